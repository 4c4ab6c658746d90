package io.barrage.worker.bench;

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
import io.barrage.worker.engine.EngineSettings;
import io.barrage.worker.engine.LoadEngine;
import io.barrage.worker.engine.LocalStep;
import io.barrage.worker.engine.StepRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.ActorSystem;

/**
 * Requests/s of the engine on a tiny non-streaming endpoint, side by side with {@code wrk} on the
 * same endpoint and the same number of connections. The endpoint is a {@link TokenServer} in its
 * own JVM pinned to core {@code BENCH_SERVER_CPU} (default 1), so that the target costs the
 * generator nothing; pin the generator with {@code BENCH_TASKSET="taskset -c 0"} (wrk inherits it).
 *
 * <p>The engine's step excludes {@code BENCH_WARMUP_S} seconds of warmup (default 5: with 2, the
 * JIT was still compiling the hot path in the first seconds of the window, and the ratio moved
 * between 0.48 and 0.73 from run to run).
 *
 * <p>Usage: {@code scripts/bench worker io.barrage.worker.bench.WrkComparisonBench [connections] [seconds]}
 */
public final class WrkComparisonBench {
  public static void main(String[] args) throws Exception {
    int conns = args.length > 0 ? Integer.parseInt(args[0]) : 32;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int warmup = Integer.parseInt(System.getenv().getOrDefault("BENCH_WARMUP_S", "5"));
    String cpu = System.getenv().getOrDefault("BENCH_SERVER_CPU", "1");
    TokenServer.Child server = TokenServer.start(cpu, "tiny");
    String url = server.url() + "/generate";
    ActorSystem system = ActorSystem.create("generator");
    try {
      LoadEngine engine = new LoadEngine(system, EngineSettings.defaults());
      Workload w = new Workload(new PromptSpec("hi", null, null), List.of(1), new LoadSpec(List.of(conns), null, null),
          new StepSpec(null, Duration.ofSeconds(seconds + warmup), Duration.ofSeconds(warmup)),
          new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10)), 42L);
      Target t = new Target("tiny", ApiKind.FASTAPI, url, null, null, null, null, null);
      Load load = new Load.Concurrency(conns);
      StepRequest r = new StepRequest("bench", new CellSpec(0, "tiny/m1/" + load.id(), "tiny", 1, load, 1), t, w,
          new LoadShare(conns, 0, 0, 1, -1), 0, null);
      CellAggregate a = LocalStep.run(engine, r, Duration.ofSeconds(1), Duration.ofSeconds(seconds + 60), x -> {});
      double barrageRps = a.ok() / (double) seconds;
      System.out.printf("server on cpu %s; barrage: e2eEnd p50 %d µs p99 %d µs, sendLag p50 %d µs p99 %d µs%n",
          cpu, a.histogram(io.barrage.protocol.metrics.Metric.E2E_END).getValueAtPercentile(50),
          a.histogram(io.barrage.protocol.metrics.Metric.E2E_END).getValueAtPercentile(99),
          a.histogram(io.barrage.protocol.metrics.Metric.SEND_LAG).getValueAtPercentile(50),
          a.histogram(io.barrage.protocol.metrics.Metric.SEND_LAG).getValueAtPercentile(99));

      Path lua = Files.createTempFile("wrk", ".lua");
      Files.writeString(lua, "wrk.method = \"POST\"\nwrk.body = '{\"inputs\":\"hi\",\"parameters\":{\"max_new_tokens\":1}}'\n"
          + "wrk.headers[\"Content-Type\"] = \"application/json\"\n");
      Process p = new ProcessBuilder("wrk", "-t1", "-c" + conns, "-d" + seconds + "s", "-s", lua.toString(), url)
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(seconds + 30L, TimeUnit.SECONDS);
      Matcher m = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(out);
      double wrkRps = m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
      System.out.printf("connections %d, %ds: barrage %.0f req/s (ok %d, errors %s), wrk %.0f req/s, ratio %.2f%n",
          conns, seconds, barrageRps, a.ok(), a.errors(), wrkRps, barrageRps / wrkRps);
    } finally {
      system.terminate();
      server.close();
    }
  }
}
