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
   * The article's matrix at 1, 50 and 300 concurrent requests as the fitted simulators give it
   * (ArticleProfilesTest's table: per-request tokens/s and mean latency in seconds at the hardware's
   * speed, 100 of 300 timeouts at 300 × 256), measured {@code timeScale}× faster. With {@code
   * tgiSpeedup} ≠ 1, TGI's 128-token cells are that much faster (rate ×, latency ÷).
   */
  static Path writeArticleLike(Path dir, double timeScale, double tgiSpeedup) throws Exception {
    return writeArticleLike(dir, timeScale, tgiSpeedup, Map.of(), java.util.Set.of());
  }

  /**
   * As {@link #writeArticleLike(Path, double, double)}, with the mean latency (and so the per-request
   * rate) of the cells in {@code slower} (cell id → factor) multiplied, and a send lag of 200 ms
   * (over the 50 ms budget: a saturated generator) in the cells of {@code saturated}.
   */
  static Path writeArticleLike(Path dir, double timeScale, double tgiSpeedup, Map<String, Double> slower, java.util.Set<String> saturated)
      throws Exception {
    var sc = ScenarioLoader.parse("""
        name: article-like
        targets:
          - {name: fastapi-a100, api: fastapi, url: "http://127.0.0.1:9/generate", maxNewTokens: [128]}
          - {name: tgi-2xa4000, api: tgi-stream, url: "http://127.0.0.1:9"}
        workload: {prompt: {text: hi}, maxNewTokens: [128, 256], load: {concurrency: [1, 50, 300]}, step: {requestsPerUser: 1}}
        comparison: {baseline: fastapi-a100}
        """, null);
    // {rate tok/s, mean latency s} per level 1, 50, 300
    Map<String, double[][]> figures = Map.of(
        "fastapi-a100/128", new double[][] {{3.13, 40.9}, {2.50, 51.1}, {1.24, 103.5}},
        "tgi-2xa4000/128", new double[][] {{27.94, 4.6}, {7.53, 17.0}, {1.59, 80.3}},
        "tgi-2xa4000/256", new double[][] {{27.81, 9.2}, {7.31, 35.0}, {2.24, 114.1}});
    List<CellRecord> cells = new ArrayList<>();
    long t0 = 1_700_000_000_000L;
    for (CellSpec spec : CellPlanner.plan(sc)) {
      int c = ((io.barrage.protocol.plan.Load.Concurrency) spec.load()).streams();
      double[] f = figures.get(spec.target() + "/" + spec.maxNewTokens())[c == 1 ? 0 : c == 50 ? 1 : 2];
      double speed = (spec.target().startsWith("tgi") && spec.maxNewTokens() == 128 ? tgiSpeedup : 1) / slower.getOrDefault(spec.id(), 1.0);
      long timeouts = spec.target().startsWith("tgi") && spec.maxNewTokens() == 256 && c == 300 ? 100 : 0;
      long ok = c - timeouts;
      Histogram e2e = Histograms.create(), rate = Histograms.create();
      e2e.recordValueWithCount(Math.round(f[1] / speed / timeScale * 1e6), ok);
      rate.recordValueWithCount(Math.round(f[0] * speed * timeScale * Metric.MILLI), ok);
      Map<ErrorClass, Long> errors = timeouts > 0 ? Map.of(ErrorClass.TOTAL_TIMEOUT, timeouts) : Map.of();
      long tokens = ok * spec.maxNewTokens();
      IntervalCounters k = new IntervalCounters(c, ok, errors, Map.of(), tokens, tokens, 0, 0, 0, 0, t0 * 1_000_000, (t0 + 10_000) * 1_000_000);
      CellAggregate a = new CellAggregate(spec.id());
      Map<Metric, byte[]> hists = new java.util.EnumMap<>(Metric.class);
      hists.put(Metric.E2E, Histograms.encode(e2e));
      hists.put(Metric.PER_REQUEST_THROUGHPUT, Histograms.encode(rate));
      if (saturated.contains(spec.id())) {
        Histogram lag = Histograms.create();
        lag.recordValueWithCount(200_000, c);
        hists.put(Metric.SEND_LAG, Histograms.encode(lag));
      }
      a.add(new IntervalReport("w1", spec.id(), 0, t0, t0 + 10_000, hists, k, true));
      cells.add(new CellRecord(spec, a, 10.0, 0, 50, 1, t0, t0 + 10_000));
    }
    ResultWriter.write(new RunRecord("article-like", sc, t0, t0 + 30_000, new RunOutcome.Completed(), 2, List.of(), cells), dir);
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
