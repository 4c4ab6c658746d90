package io.barrage.coordinator.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.protocol.metrics.Histograms;
import io.barrage.protocol.metrics.IntervalCounters;
import io.barrage.protocol.metrics.IntervalReport;
import io.barrage.protocol.metrics.Metric;
import io.barrage.protocol.plan.CellPlanner;
import io.barrage.protocol.plan.LoadShare;
import io.barrage.protocol.scenario.ScenarioLoader;
import io.barrage.protocol.wire.OrderKey;
import io.barrage.protocol.wire.CoordinatorProtocol;
import io.barrage.protocol.wire.WorkerProtocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A report is merged whole or refused whole; the interval logs are written in arrival order off the caller's thread. */
class CellMergeTest {
  private static final ActorTestKit kit = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  @TempDir Path dir;
  private static final OrderKey KEY = OrderKey.random();

  private CellRun cell(TestProbe<WorkerProtocol.Command> w) throws Exception {
    var spec = CellPlanner.plan(ScenarioLoader.parse(RunCoordinatorIT.scenario("{concurrency: [2]}", "{duration: 10s}", "rebalance"), null)).get(0);
    return new CellRun(spec, -1, System.currentTimeMillis(), List.of(new CellRun.Assignment("w0", w.ref(), KEY, new LoadShare(2, 0, 0, 1, -1))));
  }

  private static CoordinatorProtocol.Interval report(CellRun cell, long seq, Map<Metric, byte[]> hist, TestProbe<WorkerProtocol.Command> w) {
    long now = System.currentTimeMillis();
    var c = new IntervalCounters(2, 2, Map.of(), Map.of(), 20, 20, 0, 0, 2, 0, -1, -1);
    return new CoordinatorProtocol.Interval("r", new IntervalReport("w0", cell.spec.id(), seq, now - 1000, now, hist, c, false), w.ref(), KEY);
  }

  @Test
  void aReportIsMergedOnceARefusedOneChangesNothingAndIsCountedOnce() throws Exception {
    TestProbe<WorkerProtocol.Command> w = kit.createTestProbe();
    CellRun cell = cell(w);
    Histogram h = Histograms.create();
    h.recordValue(1000);
    h.recordValue(2000);
    try (CellMerge merge = new CellMerge(new IntervalLogs(dir), "r")) {
      assertThat(merge.merge(cell, report(cell, 0, Map.of(Metric.TTFT, Histograms.encode(h)), w), 0)).isInstanceOf(CellMerge.Result.Merged.class);
      assertThat(merge.merge(cell, report(cell, 0, Map.of(Metric.TTFT, Histograms.encode(h)), w), 0)).isInstanceOf(CellMerge.Result.Duplicate.class);
      var corrupt = report(cell, 1, Map.of(Metric.TTFT, Histograms.encode(h), Metric.E2E, new byte[] {9, 9, 9}), w);
      assertThat(merge.merge(cell, corrupt, 0)).isInstanceOf(CellMerge.Result.Refused.class);
      assertThat(merge.merge(cell, corrupt, 0)).isInstanceOf(CellMerge.Result.Refused.class); // resent: counted once
      assertThat(merge.merge(null, report(cell, 2, Map.of(), w), 0)).isInstanceOf(CellMerge.Result.Refused.class);

      assertThat(merge.refusedCount()).isEqualTo(2);
      assertThat(merge.firstRefusal()).contains("report 1 of w0").contains("corrupt histogram");
      // the refused report added nothing, not even its valid TTFT histogram
      assertThat(cell.aggregate.ok()).isEqualTo(2);
      assertThat(cell.aggregate.histogram(Metric.TTFT).getTotalCount()).isEqualTo(2);
      CellRun.Assignment a = cell.assignments.get(w.ref());
      assertThat(a.completed).isEqualTo(2);
      assertThat(a.lastInFlight).isEqualTo(2);
      merge.closeLogs().get();
    }
    Path hlog = dir.resolve(cell.spec.fileId() + "_ttft.hlog");
    assertThat(Files.readAllLines(hlog).stream().filter(l -> l.contains("Tag=w0"))).hasSize(1);
  }

  @Test
  void aLogThatCannotBeWrittenIsReportedNotThrown() throws Exception {
    TestProbe<WorkerProtocol.Command> w = kit.createTestProbe();
    CellRun cell = cell(w);
    Path notADir = Files.writeString(dir.resolve("file"), "x");
    Histogram h = Histograms.create();
    h.recordValue(1000);
    try (CellMerge merge = new CellMerge(new IntervalLogs(notADir.resolve("histograms")), "r")) {
      assertThat(merge.merge(cell, report(cell, 0, Map.of(Metric.TTFT, Histograms.encode(h)), w), 0)).isInstanceOf(CellMerge.Result.Merged.class);
      merge.closeLogs().get();
      assertThat(merge.logFailure()).contains("cannot write interval log");
    }
  }
}
