package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.barrage.protocol.results.CellRecord;
import io.barrage.protocol.results.RunOutcome;
import io.barrage.protocol.results.RunRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Worker JVMs paused with SIGSTOP/SIGCONT, staggered and overlapping (what a CPU-throttled container
 * or a long GC pause looks like to the cluster): the coordinator must survive, and the run must end
 * with its data, whatever the workers' failure detectors and split-brain resolvers conclude meanwhile.
 */
class StarvedWorkersIT {
  @TempDir Path out;

  @Test
  void staggeredPausesOfWorkersNeverTakeTheCoordinatorDownAndTheRunEndsWithItsData() throws Exception {
    try (ClusterFixture c = new ClusterFixture(out, 3)) {
      // two cells: the second shows that the cluster still runs after the pauses
      var run = c.submit(c.scenario("{concurrency: [6, 3]}", "{duration: 16s}", "rebalance"), 3);
      await("load running").atMost(Duration.ofSeconds(60)).until(() -> c.coordinator.runs().status("it").map(s -> s.requestsDone() > 20).orElse(false));
      BarrageProcess a = c.workers.get(0), b = c.workers.get(1);
      try {
        // each pause is longer than acceptable-heartbeat-pause (5 s), so each worker is seen
        // unreachable; they overlap, so reachability keeps changing for ~10 s (the "unstable" case)
        a.signal("STOP");
        TimeUnit.SECONDS.sleep(3); // the stagger itself, not a wait for an event
        b.signal("STOP");
        TimeUnit.SECONDS.sleep(4);
        a.signal("CONT");
        TimeUnit.SECONDS.sleep(3);
        b.signal("CONT");
      } finally {
        a.signal("CONT");
        b.signal("CONT");
      }
      RunRecord r = run.finished().get(120, TimeUnit.SECONDS);

      // the coordinator is still a working cluster node, and it wrote the run
      assertThat(c.coordinator.system().whenTerminated().isCompleted()).isFalse();
      assertThat(c.coordinator.isUp()).isTrue();
      assertThat(r.outcome()).isNotInstanceOf(RunOutcome.Interrupted.class).isNotInstanceOf(RunOutcome.Aborted.class);
      assertThat(r.cells()).hasSize(2);
      assertThat(Files.exists(c.out.resolve("run/summary.json"))).isTrue();
      // nothing is counted that the simulator did not serve
      long ok = r.cells().stream().mapToLong(x -> x.aggregate().ok()).sum();
      assertThat(ok).isPositive().isLessThanOrEqualTo(c.sim.stats().requestsSucceeded());
      // the paused workers were not downed: every worker process is still alive, and the second
      // cell ran on all three (a paused worker is taken back once reachable)
      assertThat(c.workers).allMatch(BarrageProcess::isAlive);
      CellRecord second = r.cells().get(1);
      assertThat(second.workersUsed()).isEqualTo(3);
      assertThat(second.cut()).isFalse();
    }
  }
}
