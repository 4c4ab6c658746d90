package io.barrage.cli;

import io.barrage.coordinator.report.ResultWriter;
import io.barrage.protocol.metrics.ErrorClass;
import io.barrage.protocol.metrics.Histograms;
import io.barrage.protocol.metrics.IntervalCounters;
import io.barrage.protocol.metrics.IntervalReport;
import io.barrage.protocol.metrics.Metric;
import io.barrage.protocol.plan.CellPlanner;
import io.barrage.protocol.plan.CellSpec;
import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.results.CellRecord;
import io.barrage.protocol.results.RunOutcome;
import io.barrage.protocol.results.RunRecord;
import io.barrage.protocol.scenario.ScenarioLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Writes small result directories with known figures for the command tests. */
final class ResultDirs {
  private ResultDirs() {}

  /**
   * The demo's two targets at c1 and c10: fastapi-a100 flat at 100 tokens/s with e2e growing 10× with
   * the queue; tgi-2xa4000 at 100 × c tokens/s with a flat e2e when {@code batchingWins}, else the same as fastapi.
   */
  static Path writeDemoLike(Path dir, boolean batchingWins) throws Exception {
    var sc = ScenarioLoader.parse("""
        name: demo-like
        targets:
          - {name: fastapi-a100, api: fastapi, url: "http://127.0.0.1:9/generate"}
          - {name: tgi-2xa4000, api: tgi-stream, url: "http://127.0.0.1:9"}
        workload: {prompt: {text: hi}, maxNewTokens: [128], load: {concurrency: [1, 10]}, step: {requests: 10}}
        """, null);
    List<CellRecord> cells = new ArrayList<>();
    long t0 = 1_700_000_000_000L;
    for (CellSpec spec : CellPlanner.plan(sc)) {
      int c = ((io.barrage.protocol.plan.Load.Concurrency) spec.load()).streams();
      boolean tgi = spec.target().startsWith("tgi") && batchingWins;
      double tps = tgi ? 100 * c : 100;
      long e2eMicros = tgi ? 1_000_000 : 1_000_000L * c;
      CellAggregate a = new CellAggregate(spec.id());
      Histogram e2e = Histograms.create();
      for (int i = 0; i < 10; i++) e2e.recordValue(e2eMicros);
      IntervalCounters k = new IntervalCounters(10, 10, Map.of(), Map.of(), Math.round(tps * 10), Math.round(tps * 10), 0, 0, 0, 0, t0 * 1_000_000, (t0 + 10_000) * 1_000_000);
      a.add(new IntervalReport("w1", spec.id(), 0, t0, t0 + 10_000, Map.of(Metric.E2E, Histograms.encode(e2e)), k, true));
      cells.add(new CellRecord(spec, a, 10.0, 0, 50, 1, t0, t0 + 10_000));
    }
    ResultWriter.write(new RunRecord("demo-like", sc, t0, t0 + 30_000, new RunOutcome.Completed(), 2, List.of(), cells), dir);
    return dir;
  }

  /** One target "stack", c1 and c10, 128 tokens; tokens/s = 100 × speed at every level, e2e = 1000 ms / speed. */
  static Path write(Path dir, String runId, double speed) throws Exception {
    return write(dir, runId, speed, 0);
  }

  /** As {@link #write(Path, String, double)}, with {@code resetsAtC10} failed requests (reset) besides the 10 ok at c10. */
  static Path write(Path dir, String runId, double speed, long resetsAtC10) throws Exception {
    var sc = ScenarioLoader.parse("""
        name: cli-fixture
        targets: [{name: stack, api: tgi, url: "http://127.0.0.1:9", deployment: {usdPerHour: 2.0}}]
        workload: {prompt: {text: hi}, maxNewTokens: [128], load: {concurrency: [1, 10]}, step: {requests: 10}}
        """, null);
    List<CellRecord> cells = new ArrayList<>();
    long t0 = 1_700_000_000_000L;
    for (CellSpec spec : CellPlanner.plan(sc)) {
      CellAggregate a = new CellAggregate(spec.id());
      Histogram e2e = Histograms.create();
      for (int i = 0; i < 10; i++) e2e.recordValue(Math.round(1_000_000 / speed));
      long resets = spec.id().endsWith("/c10") ? resetsAtC10 : 0;
      Map<ErrorClass, Long> errors = resets == 0 ? Map.of() : Map.of(ErrorClass.RESET, resets);
      IntervalCounters c = new IntervalCounters(10 + resets, 10, errors, Map.of(), Math.round(1000 * speed), Math.round(1000 * speed), 0, 0, 0, 0,
          t0 * 1_000_000, (t0 + 10_000) * 1_000_000);
      a.add(new IntervalReport("w1", spec.id(), 0, t0, t0 + 10_000, Map.of(Metric.E2E, Histograms.encode(e2e)), c, true));
      cells.add(new CellRecord(spec, a, 10.0, 0, 50, 1, t0, t0 + 10_000));
    }
    ResultWriter.write(new RunRecord(runId, sc, t0, t0 + 30_000, new RunOutcome.Completed(), 1, List.of(), cells), dir);
    return dir;
  }
}
