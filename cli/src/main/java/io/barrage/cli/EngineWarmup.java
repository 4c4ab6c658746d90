package io.barrage.cli;

import com.typesafe.config.ConfigFactory;
import io.barrage.protocol.plan.CellSpec;
import io.barrage.protocol.plan.Load;
import io.barrage.protocol.plan.LoadShare;
import io.barrage.protocol.scenario.ApiKind;
import io.barrage.protocol.scenario.PromptSpec;
import io.barrage.protocol.scenario.StepSpec;
import io.barrage.protocol.scenario.Target;
import io.barrage.protocol.scenario.Timeouts;
import io.barrage.protocol.scenario.Workload;
import io.barrage.simulator.Profiles;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import io.barrage.worker.WorkerSettings;
import io.barrage.worker.cluster.EngineStepLauncher;
import io.barrage.worker.engine.LoadEngine;
import io.barrage.worker.engine.LocalStep;
import io.barrage.worker.engine.StepRequest;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warms a worker's load engine before it takes its first cell: a fresh JVM loads and compiles the
 * HTTP client, SSE parser and recorders on its first requests, which can take seconds on a busy
 * machine and would land inside the first measured cell (a naive server at concurrency 1 then shows
 * nothing but the cold start). The warm-up drives every protocol client for a few dozen requests
 * against a fast simulator on loopback in this JVM, then throws the measurements away. Failures
 * are logged and never stop the worker. {@code barrage.worker.warm-up = off} skips it.
 */
final class EngineWarmup {
  private static final Logger log = LoggerFactory.getLogger(EngineWarmup.class);
  private static final List<ApiKind> KINDS = List.of(ApiKind.TGI_STREAM, ApiKind.OPENAI_CHAT, ApiKind.TGI);

  private EngineWarmup() {}

  /** Warms the launcher's engine and returns the launcher. */
  static EngineStepLauncher warm(EngineStepLauncher launcher) {
    if (!WorkerSettings.fromConfig(ConfigFactory.load()).warmUp()) return launcher;
    long t0 = System.nanoTime();
    try {
      warmAgainst(launcher.engine(), "tgi-fast", KINDS);
      warmAgainst(launcher.engine(), "fastapi-fast", List.of(ApiKind.FASTAPI));
      log.info("load engine warmed up in {} ms", (System.nanoTime() - t0) / 1_000_000);
    } catch (Exception | LinkageError e) {
      log.warn("load engine warm-up skipped: {}", e.toString());
    }
    return launcher;
  }

  private static void warmAgainst(LoadEngine engine, String profile, List<ApiKind> kinds) throws Exception {
    try (SimulatorServer sim = SimulatorServer.start(new SimulatorConfig("127.0.0.1", 0, Profiles.get(profile), null, 1))) {
      int i = 0;
      for (ApiKind kind : kinds) {
        String url = kind == ApiKind.FASTAPI ? sim.baseUrl() + "/generate" : sim.baseUrl();
        Target t = new Target("warmup-" + kind.yamlName(), kind, url, null, null, null, null, null);
        Load load = new Load.Concurrency(4);
        Workload w = new Workload(new PromptSpec("warm-up", null, null), List.of(16), null,
            new StepSpec(40, null, null), new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(20)), 1L);
        CellSpec cell = new CellSpec(i, "warmup/" + kind.yamlName(), t.name(), 16, load, 1);
        StepRequest req = new StepRequest("warmup", cell, t, w, new LoadShare(4, 0, 0, 1, 40), 0, null);
        LocalStep.run(engine, req, Duration.ofMillis(500), Duration.ofSeconds(15), r -> {});
        i++;
      }
    }
  }
}
