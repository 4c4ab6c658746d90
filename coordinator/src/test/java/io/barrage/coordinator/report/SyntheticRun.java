package io.barrage.coordinator.report;

import io.barrage.protocol.metrics.ErrorClass;
import io.barrage.protocol.metrics.Histograms;
import io.barrage.protocol.metrics.IntervalCounters;
import io.barrage.protocol.metrics.IntervalReport;
import io.barrage.protocol.metrics.Metric;
import io.barrage.protocol.plan.CellPlanner;
import io.barrage.protocol.plan.CellSpec;
import io.barrage.protocol.plan.Load;
import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.results.CellRecord;
import io.barrage.protocol.results.RunOutcome;
import io.barrage.protocol.results.RunRecord;
import io.barrage.protocol.results.WorkerEvent;
import io.barrage.protocol.scenario.Scenario;
import io.barrage.protocol.scenario.ScenarioLoader;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.HdrHistogram.Histogram;

/**
 * A deterministic, FastAPI-vs-TGI-shaped run (naive server: flat tokens/s, latency growing with the
 * queue; batching server: tokens/s growing with concurrency) with every feature the report shows: a
 * lost worker, a saturated cell, errors, two maxNewTokens and a timeline.
 */
final class SyntheticRun {
  private SyntheticRun() {}

  static RunRecord create() {
    Scenario sc;
    try {
      sc = ScenarioLoader.parse("""
          name: fastapi-vs-tgi-synthetic
          targets:
            - {name: fastapi-a100, api: fastapi, url: "http://127.0.0.1:9/generate", model: llama-2-13b,
               deployment: {instance: a100-40gb, gpus: 1, quantization: none, usdPerHour: 4.10}}
            - {name: tgi-2xa4000, api: tgi-stream, url: "http://127.0.0.1:9", model: llama-2-13b,
               deployment: {instance: 2x-rtx-a4000, gpus: 2, tensorParallel: 2, usdPerHour: 1.52}}
          workload:
            prompt: {text: "hello"}
            maxNewTokens: [128, 256]
            load: {concurrency: [1, 5, 20, 100, 300]}
            step: {requests: 100}
          comparison: {baseline: fastapi-a100}
          slo: {ttftP99: 10s}
          """, null);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    Random rnd = new Random(7);
    long t0 = 1_700_000_000_000L, now = t0;
    List<CellRecord> cells = new ArrayList<>();
    List<WorkerEvent> events = new ArrayList<>();
    for (CellSpec spec : CellPlanner.plan(sc)) {
      int c = ((Load.Concurrency) spec.load()).streams();
      boolean tgi = spec.target().startsWith("tgi");
      int mnt = spec.maxNewTokens();
      double tps = tgi ? 40 * Math.pow(c, 0.7) : 32; // tokens/s of the whole server
      double perTokenMs = 1000.0 * c / tps; // each stream's share
      double e2eMs = perTokenMs * mnt;
      int seconds = 6;
      CellAggregate agg = new CellAggregate(spec.id());
      long cellStart = now;
      for (int s = 0; s < seconds; s++) {
        for (String w : List.of("w1", "w2")) {
          if (w.equals("w2") && spec.id().equals("tgi-2xa4000/m256/c100") && s >= 3) continue; // lost
          long tokens = Math.round(tps / 2);
          long ok = Math.max(1, tokens / mnt);
          Map<Metric, Histogram> hs = new EnumMap<>(Metric.class);
          for (Metric m : List.of(Metric.E2E, Metric.TTFT, Metric.TPOT, Metric.NTPOT, Metric.ITL, Metric.SEND_LAG)) hs.put(m, Histograms.create());
          for (int i = 0; i < Math.max(ok, 5); i++) {
            double jitter = 0.8 + 0.4 * rnd.nextDouble();
            double e2e = e2eMs * jitter;
            double ttft = tgi ? 80 * jitter + c * 2 : e2e * 0.02 + 300;
            hs.get(Metric.E2E).recordValue(Histograms.clamp(Math.round(e2e * 1000)));
            hs.get(Metric.TTFT).recordValue(Math.round(ttft * 1000));
            hs.get(Metric.TPOT).recordValue(Math.round((e2e - ttft) / (mnt - 1) * 1000));
            hs.get(Metric.NTPOT).recordValue(Math.round(e2e / mnt * 1000));
            hs.get(Metric.ITL).recordValue(Math.round((e2e - ttft) / (mnt - 1) * jitter * 1000));
            boolean saturate = spec.id().equals("tgi-2xa4000/m128/c300");
            hs.get(Metric.SEND_LAG).recordValue(Math.round((saturate ? 120 : 2) * jitter * 1000));
          }
          Map<Metric, byte[]> enc = new EnumMap<>(Metric.class);
          hs.forEach((m, h) -> enc.put(m, Histograms.encode(h)));
          Map<ErrorClass, Long> errors = tgi && c == 300 ? Map.of(ErrorClass.HTTP_STATUS, 3L) : Map.of();
          long start = now + s * 1000L;
          IntervalCounters ctr = new IntervalCounters(ok, ok, errors, errors.isEmpty() ? Map.of() : Map.of(429, 3L), tokens, tokens, 0, 0,
              c / 2, 0, start * 1_000_000L, (start + 1000) * 1_000_000L);
          agg.add(new IntervalReport(w, spec.id(), s, start, start + 1000, enc, ctr, s == seconds - 1));
        }
      }
      if (spec.id().equals("tgi-2xa4000/m256/c100")) {
        events.add(new WorkerEvent("w2", WorkerEvent.Kind.LOST, now + 3000, spec.id(), 0.5, 50, "heartbeat lost"));
      }
      now += seconds * 1000L + 500;
      cells.add(new CellRecord(spec, agg, seconds, spec.id().equals("tgi-2xa4000/m256/c100") ? 50 : 0, 50, 2, cellStart, now - 500));
    }
    return new RunRecord("synthetic-1", sc, t0, now, new RunOutcome.Degraded("worker w2 lost in tgi-2xa4000/m256/c100"), 2, events, cells);
  }
}
