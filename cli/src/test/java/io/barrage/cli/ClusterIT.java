package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.barrage.protocol.metrics.Histograms;
import io.barrage.protocol.metrics.Metric;
import io.barrage.protocol.results.CellRecord;
import io.barrage.protocol.results.RunOutcome;
import io.barrage.protocol.results.RunRecord;
import io.barrage.protocol.results.WorkerEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Coordinator + 3 worker JVMs against the simulator (TGI-style, tgi-fast profile) on loopback. */
class ClusterIT {

  @TempDir Path out;

  /** Samples the simulator's in-flight count in the background: counts[n] = samples that saw n. */
  private static Thread sampler(ClusterFixture c, long[] counts, boolean[] stop) {
    Thread t = new Thread(() -> {
      while (!stop[0]) {
        int n = Math.min(counts.length - 1, c.sim.stats().inFlight());
        counts[n]++;
        java.util.concurrent.locks.LockSupport.parkNanos(20_000); // sampling period (~50 kHz)
      }
    });
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Test
  void threeWorkerJvmsDriveExactlyThePlannedConcurrencyAndEveryTokenIsCounted() throws Exception {
    try (ClusterFixture c = new ClusterFixture(out, 3)) {
      // a duration step: every stream is busy for the whole window (a request-count step ends with a
      // tail where workers that met their quota have stopped)
      var run = c.submit(c.scenario("{concurrency: [10]}", "{duration: 8s}", "rebalance"), 3);
      // sample the server's in-flight count for 3 s of the steady state (start and end of a cell are
      // ragged on a loaded machine: JVMs warm up, workers end their window at slightly different times)
      await("all 10 streams running").atMost(Duration.ofSeconds(60)).until(() -> c.sim.stats().inFlight() == 10);
      long[] seen = new long[64];
      boolean[] stop = {false};
      Thread sampling = sampler(c, seen, stop);
      TimeUnit.SECONDS.sleep(3); // the sampling window itself, not a wait for an event
      stop[0] = true;
      sampling.join(5_000);
      RunRecord r = run.finished().get(150, TimeUnit.SECONDS);

      assertThat(r.outcome()).isInstanceOf(RunOutcome.Completed.class);
      CellRecord cell = r.cells().get(0);
      assertThat(cell.workersUsed()).isEqualTo(3);
      assertThat(cell.aggregate().workers()).hasSize(3);
      // 10 streams over 3 workers (4 + 3 + 3): while the cell runs, the server holds 10 requests,
      // minus the streams caught between two requests (closed-loop turnaround). A stream sends its
      // next request the moment it has read the previous response, which can be a few microseconds
      // before the server has released it, so a sample may rarely see 11; more would be a stream too many.
      long busy = 0, over = 0;
      double sum = 0;
      for (int n = 1; n < seen.length; n++) {
        busy += seen[n];
        sum += (double) n * seen[n];
      }
      for (int n = 11; n < seen.length; n++) over += seen[n];
      String histogram = java.util.Arrays.toString(java.util.Arrays.copyOf(seen, 13));
      assertThat(over).as("samples above 10 (release race) in " + histogram).isLessThan(Math.max(1, busy / 200));
      assertThat(c.sim.stats().maxInFlight()).isBetween(10, 11);
      assertThat(seen[10]).as("samples at exactly 10 in " + histogram).isGreaterThan(busy / 10);
      int mode = 0;
      for (int n = 1; n < seen.length; n++) if (seen[n] > seen[mode]) mode = n;
      assertThat(mode).as("most frequent in-flight count, " + histogram + ", mean " + sum / Math.max(1, busy)).isEqualTo(10);
      // every request of the step, and every token the simulator emitted, is counted once
      long served = c.sim.stats().requestsSucceeded();
      assertThat(served).isGreaterThan(100);
      assertThat(cell.aggregate().ok()).isEqualTo(served);
      assertThat(cell.aggregate().errorCount()).isZero();
      assertThat(cell.aggregate().outputTokens()).isEqualTo(c.sim.stats().tokensEmitted());
      // the merged histograms hold every sample: one e2e per request, and they equal the sum of all
      // interval histograms written to the interval logs
      Histogram e2e = cell.aggregate().histogram(Metric.E2E);
      assertThat(e2e.getTotalCount()).isEqualTo(served);
      Path hlog = c.out.resolve("run/histograms/" + cell.spec().fileId() + "_e2e.hlog");
      Histogram fromLogs = Histograms.create();
      HistogramLogReader reader = new HistogramLogReader(hlog.toFile());
      while (reader.nextIntervalHistogram() instanceof Histogram h) fromLogs.add(h);
      assertThat(fromLogs).isEqualTo(e2e);
      assertThat(Files.exists(c.out.resolve("run/summary.json"))).isTrue();
    }
  }

  @Test
  void aKilledWorkerIsReplacedWithinSecondsAndTheResultSaysWhatWasLost() throws Exception {
    try (ClusterFixture c = new ClusterFixture(out, 3)) {
      var run = c.submit(c.scenario("{concurrency: [9]}", "{duration: 20s}", "rebalance"), 3);
      await("load reached 9").atMost(Duration.ofSeconds(60)).until(() -> c.sim.stats().inFlight() == 9
          && c.coordinator.runs().status("it").map(s -> s.requestsDone() > 20).orElse(false));
      BarrageProcess victim = c.workers.get(1);
      victim.kill(); // SIGKILL: no flush, no goodbye
      long killedAt = System.currentTimeMillis();
      victim.waitFor(Duration.ofSeconds(10));
      // first the load drops (its 3 streams are gone), then the survivors take them over
      await("in-flight dropped").atMost(Duration.ofSeconds(5)).until(() -> c.sim.stats().inFlight() < 9);
      await("in-flight back to 9").atMost(Duration.ofSeconds(10)).until(() -> c.sim.stats().inFlight() == 9);
      long recoveredMs = System.currentTimeMillis() - killedAt;
      RunRecord r = run.finished().get(120, TimeUnit.SECONDS);

      assertThat(recoveredMs).isLessThan(10_000);
      assertThat(r.outcome()).isInstanceOf(RunOutcome.Degraded.class);
      WorkerEvent lost = r.workerEvents().stream().filter(e -> e.kind() == WorkerEvent.Kind.LOST).findFirst().orElseThrow();
      assertThat(lost.atEpochMs()).isBetween(killedAt, killedAt + 10_000);
      assertThat(lost.capacityShare()).isEqualTo(3.0 / 9);
      assertThat(lost.requestsLost()).isBetween(0L, 3L); // its 3 streams' requests in flight at its last report
      // one report interval + 0.5 s + its reports' delivery time, never more than until it was found lost
      assertThat(lost.secondsAfterLastReport()).isPositive().isLessThan((lost.atEpochMs() - killedAt) / 1000.0 + 5);
      assertThat(r.workerEvents()).anyMatch(e -> e.kind() == WorkerEvent.Kind.REBALANCED);
      CellRecord cell = r.cells().get(0);
      assertThat(cell.incomplete()).isEqualTo(lost.requestsLost());
      // the rule against the simulator's own count: nothing is counted that the server did not serve,
      // and what it served beyond the count is within what the result says the crash may have lost
      long served = c.sim.stats().requestsSucceeded();
      long ok = cell.aggregate().ok();
      System.out.printf("kill -9 of a worker: simulator served %d, counted ok %d, not counted %d; the result: %s%n", served, ok, served - ok, lost.lossText());
      assertThat(ok).isLessThanOrEqualTo(served);
      assertThat(served - ok).as("served %d, counted ok %d, lost %s", served, ok, lost.lossText())
          .isLessThanOrEqualTo(lost.requestsLost() + lost.completedAfterLastReportAtMost());
      // one interval report is one consistent cut: the ok count and the histograms agree after the loss
      assertThat(cell.aggregate().histogram(Metric.E2E_END).getTotalCount()).isEqualTo(ok);
      assertThat(cell.aggregate().histogram(Metric.TTFT).getTotalCount()).isEqualTo(ok);
      // nothing else is missing: both survivors delivered their final interval, no request failed
      assertThat(cell.aggregate().finishedWorkers()).hasSize(2).doesNotContain(lost.workerId());
      assertThat(cell.aggregate().errorCount()).isZero();
      assertThat(((RunOutcome.Degraded) r.outcome()).reason()).contains(lost.workerId());
    }
  }

  @Test
  void aWorkerStoppedWithSigtermFlushesEverythingItRecorded() throws Exception {
    try (ClusterFixture c = new ClusterFixture(out, 3)) {
      var run = c.submit(c.scenario("{concurrency: [6]}", "{requests: 240}", "rebalance"), 3);
      await("load running").atMost(Duration.ofSeconds(60)).until(() -> c.coordinator.runs().status("it").map(s -> s.requestsDone() > 20).orElse(false));
      c.workers.get(2).terminate(); // SIGTERM: coordinated shutdown flushes first
      RunRecord r = run.finished().get(120, TimeUnit.SECONDS);
      assertThat(c.workers.get(2).waitFor(Duration.ofSeconds(30))).isTrue();

      assertThat(r.outcome()).isInstanceOf(RunOutcome.Completed.class);
      assertThat(r.workerEvents()).anyMatch(e -> e.kind() == WorkerEvent.Kind.LEFT && e.requestsLost() == 0);
      assertThat(r.workerEvents()).noneMatch(e -> e.kind() == WorkerEvent.Kind.LOST);
      CellRecord cell = r.cells().get(0);
      // every request the simulator served is in the result, and the step's quota was met in total
      assertThat(cell.aggregate().ok()).isEqualTo(c.sim.stats().requestsSucceeded());
      assertThat(cell.aggregate().ok() + cell.aggregate().errorCount()).isEqualTo(240);
      assertThat(cell.aggregate().outputTokens()).isEqualTo(c.sim.stats().tokensEmitted());
      assertThat(cell.aggregate().finishedWorkers()).hasSize(3);
    }
  }
}
