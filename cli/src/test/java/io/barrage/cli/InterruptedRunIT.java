package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.barrage.protocol.scenario.TestScenario;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C / SIGTERM of a real {@code barrage run} process (coordinator + one worker JVM) in its second
 * cell: the load stops, every result file is written with outcome {@code interrupted}, the finished
 * cell is intact (counted exactly against the simulator), the cut cell is marked and divided by the
 * time it measured, and the process exits non-zero.
 */
class InterruptedRunIT {
  @TempDir Path dir;

  @Test
  void sigtermOfTheMainProcessWritesEveryResultFileWithTheFinishedCellIntact() throws Exception {
    interrupt(false);
  }

  @Test
  void sigtermOfTheWholeProcessGroupMarksTheRunningCellInterruptedNotCompleted() throws Exception {
    interrupt(true);
  }

  /**
   * Where {@code run} cannot give its workers a session of their own (no setsid, as on macOS), the
   * terminal's Ctrl-C reaches the worker JVMs too, and a worker that left on it would turn the outcome
   * into {@code degraded}. Here SIGINT goes to the worker JVM alone, in the middle of the second cell:
   * it ignores it, and the run completes with every request the simulator served counted.
   */
  @Test
  void aCtrlCThatReachesAWorkerJvmIsIgnored() throws Exception {
    try (SimulatorServer sim = SimulatorServer.start(SimulatorConfig.loopback("tgi-fast"))) {
      Path out = dir.resolve("out");
      try (BarrageProcess p = twoCells(sim, out).start(dir.resolve("run.log"))) {
        Path summary = out.resolve("summary.json");
        awaitTheSecondCell(p, sim, summary);
        List<ProcessHandle> workerJvms = ProcessHandle.of(p.pid()).orElseThrow().children().toList();
        assertThat(workerJvms).as("the worker JVM").hasSize(1);
        assertThat(new ProcessBuilder("kill", "-INT", Long.toString(workerJvms.get(0).pid())).start().waitFor()).isZero();

        assertThat(p.waitFor(Duration.ofSeconds(60))).as("the run ends").isTrue();
        assertThat(p.exitValue()).as(p.log()).isZero();
        JsonNode s = new ObjectMapper().readTree(summary.toFile());
        assertThat(s.path("run").path("outcome").asText()).as(p.tail(40)).isEqualTo("completed");
        JsonNode cells = s.path("targets").get(0).path("cells");
        long counted = 0;
        for (JsonNode c : cells) {
          assertThat(c.path("status").asText()).isEqualTo("completed");
          counted += c.path("requests").path("ok").asLong();
        }
        assertThat(counted).as("ok requests of both cells").isEqualTo(sim.stats().requestsSucceeded());
      }
    }
  }

  private void interrupt(boolean wholeGroup) throws Exception {
    try (SimulatorServer sim = SimulatorServer.start(SimulatorConfig.loopback("tgi-fast"))) {
      Path out = dir.resolve("out");
      BarrageProcess.Launch launch = twoCells(sim, out);
      // its own process group, as a shell job has: Ctrl-C signals the group
      if (wholeGroup) launch.ownProcessGroup();
      try (BarrageProcess p = launch.start(dir.resolve("run.log"))) {
        Path summary = out.resolve("summary.json");
        long firstCellServed = awaitTheSecondCell(p, sim, summary);
        long signalledAt = System.nanoTime();
        p.signal("TERM"); // to the whole group, or to the main process only
        try {
          // bounded by the design: up to 4 s for the workers' last reports, up to 10 s for the interval
          // logs' queued writes to close, then the result files
          await("an interrupted summary").atMost(Duration.ofSeconds(25)).until(() -> "interrupted".equals(outcome(summary)) && hasTwoCells(summary));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
          throw new AssertionError(e.getMessage() + "\noutcome so far: " + outcome(summary) + "\n" + p.tail(60), e);
        }
        double writtenAfter = (System.nanoTime() - signalledAt) / 1e9;
        assertThat(p.waitFor(Duration.ofSeconds(30))).as("the process exits").isTrue();
        assertThat(p.exitValue()).as(p.log()).isNotZero();
        // the load stopped: nothing is in flight at the simulator once the run has exited
        await("no request in flight").atMost(Duration.ofSeconds(5)).until(() -> sim.stats().inFlight() == 0);

        JsonNode s = new ObjectMapper().readTree(summary.toFile());
        assertThat(s.path("run").path("outcome").asText()).isEqualTo("interrupted");
        JsonNode cells = s.path("targets").get(0).path("cells");
        JsonNode first = cells.get(0), second = cells.get(1);
        assertThat(first.path("status").asText()).isEqualTo("completed");
        assertThat(first.path("requests").path("ok").asLong()).isEqualTo(firstCellServed);
        assertThat(first.path("windowSeconds").asDouble()).isEqualTo(5.0);
        assertThat(second.path("status").asText()).isEqualTo("interrupted");
        assertThat(second.path("requests").path("ok").asLong()).isGreaterThan(0);
        assertThat(second.path("windowSeconds").asDouble()).isGreaterThan(0).isLessThan(5.0);
        double tps = second.path("throughput").path("outputTokensPerSecond").asDouble();
        assertThat(tps).isCloseTo(second.path("outputTokens").asLong() / second.path("windowSeconds").asDouble(), org.assertj.core.data.Percentage.withPercentage(0.1));
        assertThat(out.resolve("results.csv")).exists();
        assertThat(Files.readString(out.resolve("report.html"))).contains("interrupted");
        assertThat(writtenAfter).as("seconds from the signal to the written results").isLessThan(20);
      }
    }
  }

  /** {@code run} of two 5 s cells (concurrency 2, then 3) with one worker JVM, results in {@code out}. */
  private BarrageProcess.Launch twoCells(SimulatorServer sim, Path out) throws java.io.IOException {
    Path f = TestScenario.named("two-cells").target("sim", sim.baseUrl()).maxNewTokens("[8]").load("{concurrency: [2, 3]}")
        .step("{duration: 5s}").writeTo(dir.resolve("two-cells.yaml"));
    return BarrageProcess.barrage("run", f.toString(), "--out", out.toString(), "--local-workers", "1")
        .heap("384m").env("BARRAGE_WORKER_JAVA_OPTS", "-Xmx256m -XX:TieredStopAtLevel=1");
  }

  /**
   * Waits until the second cell has measured 20 requests; returns what the simulator served in the
   * first (its results are on disk as soon as it ends, so the simulator's count then is its truth).
   */
  private static long awaitTheSecondCell(BarrageProcess p, SimulatorServer sim, Path summary) {
    await("the first cell written").atMost(Duration.ofSeconds(90)).until(() -> Files.exists(summary) || !p.isAlive());
    assertThat(p.isAlive()).as(p.log()).isTrue();
    long firstCellServed = sim.stats().requestsSucceeded();
    await("the second cell measuring").atMost(Duration.ofSeconds(30)).until(() -> sim.stats().requestsSucceeded() > firstCellServed + 20);
    return firstCellServed;
  }

  private static String outcome(Path summary) {
    try {
      return Files.exists(summary) ? new ObjectMapper().readTree(summary.toFile()).path("run").path("outcome").asText() : null;
    } catch (java.io.IOException e) {
      return null; // being replaced
    }
  }

  private static boolean hasTwoCells(Path summary) {
    try {
      return new ObjectMapper().readTree(summary.toFile()).path("targets").get(0).path("cells").size() == 2;
    } catch (java.io.IOException | RuntimeException e) {
      return false;
    }
  }
}
