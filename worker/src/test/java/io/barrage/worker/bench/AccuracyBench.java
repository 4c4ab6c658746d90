package io.barrage.worker.bench;

import io.barrage.protocol.metrics.Metric;
import io.barrage.protocol.plan.CellSpec;
import io.barrage.protocol.plan.Load;
import io.barrage.protocol.plan.LoadShare;
import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.scenario.ApiKind;
import io.barrage.protocol.scenario.LoadSpec;
import io.barrage.protocol.scenario.PromptSpec;
import io.barrage.protocol.scenario.StepSpec;
import io.barrage.protocol.scenario.Target;
import io.barrage.protocol.scenario.Timeouts;
import io.barrage.protocol.scenario.Workload;
import io.barrage.simulator.Profile;
import io.barrage.simulator.Profiles;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import io.barrage.simulator.TruthRecord;
import io.barrage.worker.client.RequestTrace;
import io.barrage.worker.engine.EngineSettings;
import io.barrage.worker.engine.LoadEngine;
import io.barrage.worker.engine.LocalStep;
import io.barrage.worker.engine.StepRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.HdrHistogram.Histogram;
import org.apache.pekko.actor.ActorSystem;

/**
 * Measured minus true, per request, against the simulator's ground truth (same JVM, one clock).
 * TTFT error = (tFirst − tSend) − (truth first token − truth arrival); gap error = each measured
 * inter-token gap minus the true one. Prints p50 / p99 / max in microseconds per concurrency.
 *
 * <p>Usage: {@code scripts/bench worker io.barrage.worker.bench.AccuracyBench [streams,...] [seconds] [maxNewTokens] [timeScale]}
 */
public final class AccuracyBench {
  public static void main(String[] args) throws Exception {
    String[] levels = (args.length > 0 ? args[0] : "1,100,1000").split(",");
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int mnt = args.length > 2 ? Integer.parseInt(args[2]) : 64;
    double scale = args.length > 3 ? Double.parseDouble(args[3]) : 1.0;
    ActorSystem system = ActorSystem.create("accuracy");
    LoadEngine engine = new LoadEngine(system, EngineSettings.defaults());
    Map<String, RequestTrace> traces = new ConcurrentHashMap<>();
    engine.onRequest(t -> {
      if (t.ok() && t.measured) traces.put(t.id, t);
    });
    Profile p = Profiles.get(Profiles.TGI_FAST)
        .withLimits(new Profile.Limits(20_000, 4095, 4096, 100_000_000, 1_000_000, 20_000))
        .withTimeScale(scale);
    System.out.printf("profile %s timeScale %.3f, maxNewTokens %d, %ds per level (warmup 3s excluded)%n", p.name(), scale, mnt, seconds);
    System.out.printf("%8s %9s %9s | %28s | %28s | %10s %10s%n", "streams", "requests", "gaps",
        "TTFT error µs p50/p99/max", "gap error µs p50/p99/max", "sendLag99", "cpu");
    try (SimulatorServer sim = SimulatorServer.start(SimulatorConfig.loopback(p))) {
      int cellIndex = 0;
      for (String l : levels) {
        int n = Integer.parseInt(l.trim());
        traces.clear();
        sim.truth().clear();
        Workload w = new Workload(new PromptSpec("hello world", null, null), List.of(mnt), new LoadSpec(List.of(n), null, null),
            new StepSpec(null, Duration.ofSeconds(seconds + 3), Duration.ofSeconds(3)),
            new Timeouts(Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(120)), 42L);
        Target t = new Target("sim", ApiKind.TGI_STREAM, sim.baseUrl(), "m", null, null, null, null);
        Load load = new Load.Concurrency(n);
        StepRequest r = new StepRequest("bench", new CellSpec(cellIndex++, "sim/m" + mnt + "/" + load.id(), "sim", mnt, load, 1),
            t, w, new LoadShare(n, 0, 0, 1, -1), 0, null);
        CellAggregate agg = LocalStep.run(engine, r, Duration.ofSeconds(1), Duration.ofSeconds(seconds + 180), x -> {});
        double cpu = LoadEngine.processCpuLoad();
        Histogram ttftErr = new Histogram(3_600_000_000L, 3);
        Histogram gapErr = new Histogram(3_600_000_000L, 3);
        long neg = 0;
        Histogram toServer = new Histogram(3_600_000_000L, 3);
        Histogram toClient = new Histogram(3_600_000_000L, 3);
        for (RequestTrace tr : traces.values()) {
          TruthRecord truth = sim.truth().get(tr.id).orElse(null);
          if (truth == null || truth.tokenNanos().length != tr.events()) continue;
          long measured = tr.tFirst - tr.tSend;
          long actual = truth.tokenNanos()[0] - truth.arrivalNanos();
          long e = (measured - actual) / 1000;
          if (e < 0) neg++;
          toServer.recordValue(Math.max(0, (truth.arrivalNanos() - tr.tSend) / 1000));
          toClient.recordValue(Math.max(0, (tr.tFirst - truth.tokenNanos()[0]) / 1000));
          ttftErr.recordValue(Math.max(0, e));
          for (int i = 1; i < tr.events(); i++) {
            long mg = tr.eventTime(i) - tr.eventTime(i - 1);
            long tg = truth.tokenNanos()[i] - truth.tokenNanos()[i - 1];
            gapErr.recordValue(Math.min(3_600_000_000L, Math.abs(mg - tg) / 1000));
          }
        }
        Histogram lag = agg.histogram(Metric.SEND_LAG);
        System.out.printf("%8d %9d %9d | %8d %9d %9d | %8d %9d %9d | %8.0fµs %9.0f%%%s%n", n, ttftErr.getTotalCount(), gapErr.getTotalCount(),
            ttftErr.getValueAtPercentile(50), ttftErr.getValueAtPercentile(99), ttftErr.getMaxValue(),
            gapErr.getValueAtPercentile(50), gapErr.getValueAtPercentile(99), gapErr.getMaxValue(),
            (double) lag.getValueAtPercentile(99), cpu * 100, neg > 0 ? "  (" + neg + " negative TTFT errors)" : "");
        System.out.printf("         ok=%d errors=%s tokens=%d; send→server p50/p99 %d/%d µs, first token server→client p50/p99 %d/%d µs%n",
            agg.ok(), agg.errors(), agg.outputTokens(), toServer.getValueAtPercentile(50), toServer.getValueAtPercentile(99),
            toClient.getValueAtPercentile(50), toClient.getValueAtPercentile(99));
      }
    } finally {
      system.terminate();
    }
  }
}
