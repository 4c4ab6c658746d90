package io.barrage.coordinator.report;

import io.barrage.coordinator.report.model.CellSummary;
import io.barrage.coordinator.report.model.LoadInfo;
import io.barrage.coordinator.report.model.TargetSummary;
import io.barrage.protocol.metrics.ErrorClass;
import io.barrage.protocol.metrics.Histograms;
import io.barrage.protocol.metrics.IntervalCounters;
import io.barrage.protocol.metrics.IntervalReport;
import io.barrage.protocol.metrics.Metric;
import io.barrage.protocol.plan.CellSpec;
import io.barrage.protocol.plan.Load;
import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.results.CellRecord;
import io.barrage.protocol.scenario.Scenario;
import io.barrage.protocol.scenario.ScenarioLoader;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Builders of runs and summaries with hand-computable figures. */
final class Fixtures {
  static final long T0 = 1_700_000_000_000L;

  private Fixtures() {}

  static Scenario scenario(String extra) {
    String yaml = """
        name: fixture
        targets:
          - name: fastapi-a100
            api: fastapi
            url: http://127.0.0.1:9/generate
            model: llama-2-13b
            deployment: {instance: a100-40gb, gpus: 1, quantization: none, usdPerHour: 4.10}
          - name: tgi-2xa4000
            api: tgi-stream
            url: http://127.0.0.1:9
            model: llama-2-13b
            deployment: {instance: 2x-rtx-a4000, gpus: 2, tensorParallel: 2, usdPerHour: 1.52}
        workload:
          prompt: {text: "hello"}
          maxNewTokens: [128]
          load: {concurrency: [1, 300]}
          step: {requests: 10}
        comparison: {baseline: fastapi-a100}
        """ + extra;
    try {
      return ScenarioLoader.parse(yaml, null);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A histogram of the given millisecond values, encoded as a worker sends it. */
  static byte[] histogramMs(double... ms) {
    Histogram h = Histograms.create();
    for (double v : ms) h.recordValue(Math.round(v * 1000));
    return Histograms.encode(h);
  }

  /** One interval report with e2e, ntpot and sendLag samples. */
  static IntervalReport report(String worker, String cell, long seq, long startMs, long ok, long tokens, Map<ErrorClass, Long> errors,
      double[] e2eMs, double[] ntpotMs, double[] sendLagMs, int inFlight) {
    Map<Metric, byte[]> hs = new EnumMap<>(Metric.class);
    hs.put(Metric.E2E, histogramMs(e2eMs));
    hs.put(Metric.NTPOT, histogramMs(ntpotMs));
    hs.put(Metric.SEND_LAG, histogramMs(sendLagMs));
    hs.put(Metric.TTFT, histogramMs(e2eMs.length == 0 ? new double[0] : new double[] {e2eMs[0] / 10}));
    // each request's tokens / e2e, in milli-tokens per second (equal shares of the tokens)
    Histogram rates = Histograms.create();
    for (double e2e : e2eMs) rates.recordValue(Math.round((double) tokens / Math.max(ok, 1) / (e2e / 1000) * Metric.MILLI));
    hs.put(Metric.PER_REQUEST_THROUGHPUT, Histograms.encode(rates));
    IntervalCounters c = new IntervalCounters(ok + errors.values().stream().mapToLong(Long::longValue).sum(), ok, errors,
        errors.containsKey(ErrorClass.HTTP_STATUS) ? Map.of(503, errors.get(ErrorClass.HTTP_STATUS)) : Map.of(),
        tokens, tokens, 0, 0, inFlight, 0, startMs * 1_000_000L, (startMs + 1000) * 1_000_000L);
    return new IntervalReport(worker, cell, seq, startMs, startMs + 1000, hs, c, false);
  }

  static CellRecord cellRecord(int index, String target, int mnt, int concurrency, double window, double sendLagBudgetMs, IntervalReport... reports) {
    String id = target + "/m" + mnt + "/c" + concurrency;
    CellAggregate a = new CellAggregate(id);
    for (IntervalReport r : reports) a.add(r);
    return new CellRecord(new CellSpec(index, id, target, mnt, new Load.Concurrency(concurrency), 1), a, window, 0, sendLagBudgetMs, 2, T0, T0 + 10_000);
  }

  /** A cell summary with the figures the comparison and the recommendations use. */
  static CellSummary cell(String target, int mnt, int concurrency, int repeat, Double tps, Double ntpotP50, Double e2eP50, Double usdPerHour) {
    Map<String, CellSummary.LatencySummary> lat = new LinkedHashMap<>();
    lat.put("ntpot", lat(ntpotP50));
    lat.put("e2e", lat(e2eP50));
    CellSummary.Cost cost = CostCalculator.of(usdPerHour, tps);
    String id = target + "/m" + mnt + "/c" + concurrency + (repeat > 0 ? "/rep" + repeat : "");
    return new CellSummary(id, target, LoadInfo.concurrency(concurrency), mnt, Math.max(repeat, 1), null, null,
        new CellSummary.Requests(10, 0, Map.of(), Map.of(), 0, 0.0, 0, Map.of()), 1000, new CellSummary.Tokens(1000, 1000L, 10, 0), 10,
        new CellSummary.Throughput(tps, 1.0), null, lat, cost, new CellSummary.Generator(1.0, 50, false, 2, 0, 0), null);
  }

  static CellSummary.LatencySummary lat(Double p50) {
    if (p50 == null) return new CellSummary.LatencySummary(0, null, null, null, null, null, null, null, null);
    return new CellSummary.LatencySummary(10, p50, p50, p50 * 2, p50, p50 * 1.5, p50 * 1.6, p50 * 1.9, p50 * 2);
  }

  static TargetSummary target(String name, String instance, String quantization, Double usdPerHour, CellSummary... cells) {
    return new TargetSummary(name, "tgi", name, new TargetSummary.DeploymentInfo(instance, 1, null, quantization, usdPerHour, null), new ArrayList<>(List.of(cells)));
  }
}
