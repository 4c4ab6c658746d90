package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.barrage.protocol.results.CellRecord;
import io.barrage.protocol.results.RunOutcome;
import io.barrage.protocol.results.RunRecord;
import io.barrage.simulator.TruthRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker JVM throttled to a tenth of a CPU (a container's CPU limit, {@link CpuThrottle}) for
 * longer than the failure detector's acceptable heartbeat pause, in the middle of a cell: the
 * coordinator survives, the run ends with its data, and every cell's counts equal the simulator's
 * truth log (its request ids name the cell and the worker).
 */
class ThrottledWorkerIT {
  @TempDir Path out;

  @Test
  void aWorkerThrottledToATenthOfACpuNeverTakesTheCoordinatorDownAndTheCountsFollowTheTruthLog() throws Exception {
    try (ClusterFixture c = new ClusterFixture(out, 2)) {
      // generous client timeouts: a throttled client that reads late is slow, not failed, and the
      // test is about counting, not about the client's own timeouts
      String yaml = """
          name: throttled
          targets:
            - {name: sim, api: tgi-stream, url: "%s"}
          workload:
            prompt: {text: "What is deep learning?"}
            maxNewTokens: [32]
            load: {concurrency: [4, 6]}
            step: {duration: 30s, warmup: 0s}
            timeouts: {firstToken: 120s, idle: 120s, total: 300s}
          failOn: {slo: false, saturation: false, errors: false}
          onWorkerLoss: rebalance
          """.formatted(c.sim.baseUrl());
      var run = c.submit(yaml, 2);
      await("both workers serving in the first cell").atMost(Duration.ofSeconds(90)).until(() -> c.sim.truth().all().stream().map(ThrottledWorkerIT::worker).filter(w -> !w.isEmpty()).distinct().count() == 2
              && c.sim.stats().requestsSucceeded() > 30);
      BarrageProcess throttled = c.workers.get(0);
      try (CpuThrottle t = CpuThrottle.start(throttled.pid(), 0.1)) {
        System.out.println("throttling worker pid " + throttled.pid() + " with " + t.how());
        // 15 s: three times acceptable-heartbeat-pause (5 s); the cell (30 s) outlasts it
        TimeUnit.SECONDS.sleep(15); // the throttle itself, not a wait for an event
        long held = t.throttledPeriods();
        System.out.println("worker pid " + throttled.pid() + " held back in " + held + " periods of 100 ms");
        assertThat(held).as("the throttle bit: the worker wanted more than its share").isGreaterThan(10);
      }
      RunRecord r = run.finished().get(180, TimeUnit.SECONDS);

      assertThat(c.coordinator.system().whenTerminated().isCompleted()).isFalse();
      assertThat(c.coordinator.isUp()).isTrue();
      assertThat(r.outcome()).isNotInstanceOf(RunOutcome.Interrupted.class).isNotInstanceOf(RunOutcome.Aborted.class);
      assertThat(r.cells()).hasSize(2);
      assertThat(Files.exists(c.out.resolve("run/summary.json"))).isTrue();
      assertThat(c.workers).allMatch(BarrageProcess::isAlive);
      // the simulator's records are complete once nothing is in flight
      await("the simulator idle").atMost(Duration.ofSeconds(10)).until(() -> c.sim.stats().inFlight() == 0);
      List<TruthRecord> truth = List.copyOf(c.sim.truth().all());
      for (int i = 0; i < r.cells().size(); i++) {
        CellRecord cell = r.cells().get(i);
        String prefix = cell.spec().index() + "-";
        long ok = truth.stream().filter(t -> t.id().startsWith(prefix) && t.outcome().equals("ok")).count();
        long tokens = truth.stream().filter(t -> t.id().startsWith(prefix) && t.outcome().equals("ok")).mapToLong(TruthRecord::tokens).sum();
        List<String> notOk = truth.stream().filter(t -> t.id().startsWith(prefix) && !t.outcome().equals("ok")).map(TruthRecord::toString).toList();
        String what = "cell " + cell.spec().id() + " (worker events: " + r.workerEvents() + ")";
        assertThat(cell.aggregate().ok()).as(what + ": ok = the simulator's ok requests").isEqualTo(ok);
        assertThat(cell.aggregate().outputTokens()).as(what + ": tokens").isEqualTo(tokens);
        assertThat(notOk).as(what + ": requests the simulator did not answer ok").isEmpty();
        assertThat(cell.aggregate().errorCount()).as(what + ": errors").isZero();
        assertThat(cell.incomplete()).as(what + ": incomplete").isZero();
      }
      // the throttled worker is back for the second cell
      assertThat(r.cells().get(1).workersUsed()).isEqualTo(2);
    }
  }

  /** The worker id a request id carries ("cell-worker-n"). */
  private static String worker(TruthRecord t) {
    String[] f = t.id().split("-", 3);
    return f.length == 3 ? f[1] : "";
  }
}
