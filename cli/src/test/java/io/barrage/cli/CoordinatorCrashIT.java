package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.barrage.protocol.scenario.TestScenario;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator as its own process ({@code barrage coordinator --scenario}, plain TCP on loopback:
 * {@code --insecure-cluster}) with one worker JVM against the simulator: killed -9, its worker stops the load within the configured bound and the
 * finished cell is on disk for {@code barrage report}; paused for 15 s, its worker neither downs
 * itself nor makes the run abort.
 */
class CoordinatorCrashIT {
  @TempDir Path dir;

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private Path scenario(SimulatorServer sim, String duration) throws Exception {
    return TestScenario.named("crash").target("sim", sim.baseUrl()).maxNewTokens("[8]").load("{concurrency: [2, 3]}")
        .step("{duration: " + duration + "}").writeTo(dir.resolve("two-cells.yaml"));
  }

  private static Optional<Path> summaryUnder(Path out) {
    if (!Files.isDirectory(out)) return Optional.empty();
    try (Stream<Path> s = Files.walk(out, 2)) {
      return s.filter(p -> p.getFileName().toString().equals("summary.json")).findFirst();
    } catch (java.io.IOException e) {
      return Optional.empty();
    }
  }

  @Test
  void aKilledCoordinatorsWorkerStopsTheLoadWithinTheBoundAndTheFinishedCellCanBeReported() throws Exception {
    try (SimulatorServer sim = SimulatorServer.start(SimulatorConfig.loopback("tgi-fast"))) {
      int port = freePort();
      Path out = dir.resolve("results");
      try (BarrageProcess coordinator = BarrageProcess.barrage("coordinator", "--scenario", scenario(sim, "12s").toString(),
              "--port", Integer.toString(port), "--http-port", "-1", "--out", out.toString(), "--insecure-cluster").heap("320m")
              .start(dir.resolve("coordinator.log"));
          BarrageProcess worker = BarrageProcess.barrage("worker", "--join", "127.0.0.1:" + port, "--insecure-cluster").heap("320m")
              .start(dir.resolve("worker.log"))) {
        try {
          await("the first cell on disk").atMost(Duration.ofSeconds(90)).until(() -> summaryUnder(out).isPresent() || !coordinator.isAlive());
        } catch (ConditionTimeoutException e) {
          throw new AssertionError(e.getMessage() + "\n--- coordinator:\n" + coordinator.log() + "\n--- worker:\n" + worker.log(), e);
        }
        assertThat(coordinator.isAlive()).as(coordinator.log()).isTrue();
        long firstServed = sim.stats().requestsSucceeded();
        // kill early in the second cell: its 12 s would end it long after the bound
        await("the second cell measuring").atMost(Duration.ofSeconds(30)).until(() -> sim.stats().requestsSucceeded() > firstServed + 5);

        coordinator.kill(); // SIGKILL: no shutdown hook, nothing flushed
        long killedAt = System.nanoTime();
        // the load has stopped once no request is in flight and none arrives for a whole second
        long[] last = {sim.stats().requestsReceived(), System.nanoTime()};
        await("the worker stops the load").atMost(Duration.ofSeconds(20)).until(() -> {
          long n = sim.stats().requestsReceived();
          if (n != last[0]) {
            last[0] = n;
            last[1] = System.nanoTime();
          }
          return sim.stats().inFlight() == 0 && System.nanoTime() - last[1] > TimeUnit.SECONDS.toNanos(1);
        });
        double stoppedAfter = (last[1] - killedAt) / 1e9;
        System.out.printf("load stopped %.1f s after the coordinator was killed%n", stoppedAfter);
        // failure detection (acceptable-heartbeat-pause 5 s) + coordinator-lost-after (2 s) + margin,
        // well before the cell's own end
        assertThat(stoppedAfter).isLessThan(10);
        assertThat(worker.isAlive()).isTrue();
        await("the worker says why it stopped").atMost(Duration.ofSeconds(5)).until(() -> worker.log().contains("stopping the load"));
        assertThat(worker.log()).contains("coordinator").contains("has been unreachable for");

        // what was on disk: the finished first cell, stated as not finished, and report renders it
        Path runDir = summaryUnder(out).orElseThrow().getParent();
        JsonNode s = new ObjectMapper().readTree(runDir.resolve("summary.json").toFile());
        assertThat(s.path("run").path("outcome").asText()).isEqualTo("interrupted");
        assertThat(s.path("run").path("outcomeReason").asText()).contains("not finished");
        JsonNode cells = s.path("targets").get(0).path("cells");
        assertThat(cells).hasSize(1);
        assertThat(cells.get(0).path("requests").path("ok").asLong()).isEqualTo(firstServed);
        Files.delete(runDir.resolve("report.html"));
        assertThat(BarrageMain.execute("report", runDir.toString())).isZero();
        assertThat(Files.readString(runDir.resolve("report.html"))).contains("interrupted").contains("not finished");
      }
    }
  }

  @Test
  void aCoordinatorPausedFifteenSecondsKeepsItsWorkerAndTheRunGoesOn() throws Exception {
    try (SimulatorServer sim = SimulatorServer.start(SimulatorConfig.loopback("tgi-fast"))) {
      int port = freePort();
      Path out = dir.resolve("results");
      try (BarrageProcess coordinator = BarrageProcess.barrage("coordinator", "--scenario", scenario(sim, "8s").toString(),
              "--port", Integer.toString(port), "--http-port", "-1", "--out", out.toString(), "--insecure-cluster").heap("320m")
              .start(dir.resolve("coordinator.log"));
          BarrageProcess worker = BarrageProcess.barrage("worker", "--join", "127.0.0.1:" + port, "--insecure-cluster").heap("320m")
              .start(dir.resolve("worker.log"))) {
        await("the first cell measuring").atMost(Duration.ofSeconds(90)).until(() -> sim.stats().requestsSucceeded() > 20 || !coordinator.isAlive());
        coordinator.signal("STOP");
        try {
          TimeUnit.SECONDS.sleep(15); // the pause itself, not a wait for an event
        } finally {
          coordinator.signal("CONT");
        }
        assertThat(coordinator.waitFor(Duration.ofSeconds(90))).as("the run ends").isTrue();
        assertThat(worker.isAlive()).as("the worker did not down itself").isTrue();
        int code = coordinator.exitValue();
        assertThat(code).as(coordinator.log()).isNotEqualTo(ExitCodes.ABORTED).isNotEqualTo(ExitCodes.INTERRUPTED);
        JsonNode s = new ObjectMapper().readTree(summaryUnder(out).orElseThrow().toFile());
        // the first cell lost part of its window to the pause (the worker stopped its load), the
        // second ran in full on the same worker
        JsonNode cells = s.path("targets").get(0).path("cells");
        assertThat(cells).hasSize(2);
        assertThat(cells.get(1).path("status").asText()).isEqualTo("completed");
        assertThat(cells.get(1).path("requests").path("ok").asLong()).isPositive();
        assertThat(cells.get(1).path("requests").path("incomplete").asLong()).isZero();
      }
    }
  }
}
