package io.barrage.coordinator.bench;

import io.barrage.coordinator.metrics.LiveMetrics;
import io.barrage.coordinator.run.RunOrder;
import io.barrage.protocol.metrics.ErrorClass;
import io.barrage.protocol.metrics.Histograms;
import io.barrage.protocol.metrics.IntervalCounters;
import io.barrage.protocol.metrics.IntervalReport;
import io.barrage.protocol.metrics.Metric;
import io.barrage.protocol.plan.CellPlanner;
import io.barrage.protocol.plan.CellSpec;
import io.barrage.protocol.scenario.Scenario;
import io.barrage.protocol.scenario.ScenarioLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.HdrHistogram.Histogram;

/**
 * What {@code GET /metrics} costs the coordinator: the time {@link LiveMetrics#merged} adds to each
 * merged report on the run's actor, the time its own thread takes to count the report's four
 * histograms ({@code samples} values each) into the buckets, beside what {@code Histogram.add} of
 * the same four costs the merge, and the time and size of one scrape of a large run.
 * A harness, not a test:
 *
 * <pre>scripts/bench coordinator io.barrage.coordinator.bench.LiveMetricsBench [targets] [reports] [samplesPerMetric]</pre>
 */
public final class LiveMetricsBench {
  public static void main(String[] args) throws Exception {
    int targets = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int reports = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
    int samples = args.length > 2 ? Integer.parseInt(args[2]) : 50;
    StringBuilder y = new StringBuilder("name: bench\ntargets:\n");
    for (int t = 0; t < targets; t++) y.append("  - {name: t").append(t).append(", api: tgi-stream, url: \"http://127.0.0.1:").append(8000 + t).append("\"}\n");
    y.append("workload:\n  prompt: {text: hello}\n  maxNewTokens: [128, 256, 512]\n  load: {concurrency: [1, 5, 10, 50, 100, 200, 300]}\n  step: {requests: 300}\n");
    Scenario s = ScenarioLoader.parse(y.toString(), null);
    List<CellSpec> cells = CellPlanner.plan(s);
    LiveMetrics m = new LiveMetrics();
    m.accepted(new RunOrder("bench", s, y.toString(), null, Path.of("bench"), 1));

    Random rnd = new Random(1);
    int variants = 64;
    @SuppressWarnings("unchecked")
    Map<Metric, Histogram>[] hist = new Map[variants];
    IntervalReport[] rep = new IntervalReport[variants];
    for (int v = 0; v < variants; v++) {
      hist[v] = new EnumMap<>(Metric.class);
      for (Metric k : List.of(Metric.TTFT, Metric.TPOT, Metric.E2E, Metric.SEND_LAG)) {
        Histogram h = Histograms.create();
        for (int i = 0; i < samples; i++) h.recordValue(Histograms.clamp((long) Math.exp(rnd.nextDouble() * 16))); // 1 us .. 9 s
        hist[v].put(k, h);
      }
      var c = new IntervalCounters(samples, samples - 1, Map.of(ErrorClass.HTTP_STATUS, 1L), Map.of(), samples * 100L, samples * 100L, 0, 0, 10, 0, -1, -1);
      rep[v] = new IntervalReport("w", "x", v, 0, 1000, Map.of(), c, false);
    }
    // warm up, then measure
    for (int i = 0; i < reports / 10; i++) m.merged("bench", cells.get(i % cells.size()), rep[i % variants], hist[i % variants]);
    long t0 = System.nanoTime();
    for (int i = 0; i < reports; i++) m.merged("bench", cells.get(i % cells.size()), rep[i % variants], hist[i % variants]);
    double perReportUs = (System.nanoTime() - t0) / 1e3 / reports;
    while (m.pendingHistograms() > 0) Thread.onSpinWait(); // the counting thread catches up
    double countedUs = (System.nanoTime() - t0) / 1e3 / reports;
    // for scale: what the merge itself does with the same four histograms (Histogram.add into the cell's)
    Histogram acc = Histograms.create();
    long t2 = System.nanoTime();
    int adds = reports / 10;
    for (int i = 0; i < adds; i++) for (Histogram h : hist[i % variants].values()) acc.add(h);
    double addUs = (System.nanoTime() - t2) / 1e3 / adds;
    for (int i = 0; i < 20; i++) m.render();
    int scrapes = 200;
    long t1 = System.nanoTime();
    String text = "";
    for (int i = 0; i < scrapes; i++) text = m.render();
    double perScrapeMs = (System.nanoTime() - t1) / 1e6 / scrapes;
    System.out.printf("targets %d, cells %d, %d samples per metric per report%n", targets, cells.size(), samples);
    System.out.printf("%-32s %10s%n", "merged() per report (actor)", String.format("%.1f us", perReportUs));
    System.out.printf("%-32s %10s%n", "added per report (own thread)", String.format("%.1f us", countedUs));
    System.out.printf("%-32s %10s%n", "Histogram.add x4 per report", String.format("%.1f us", addUs));
    System.out.printf("%-32s %10s%n", "render() per scrape", String.format("%.2f ms", perScrapeMs));
    System.out.printf("%-32s %10d%n", "scrape bytes", text.getBytes(StandardCharsets.UTF_8).length);
    System.out.printf("%-32s %10d%n", "scrape lines", text.lines().count());
  }
}
