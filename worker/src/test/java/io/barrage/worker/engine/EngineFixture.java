package io.barrage.worker.engine;

import io.barrage.protocol.plan.CellSpec;
import io.barrage.protocol.plan.Load;
import io.barrage.protocol.plan.LoadShare;
import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.scenario.ApiKind;
import io.barrage.protocol.scenario.Auth;
import io.barrage.protocol.scenario.FastapiOptions;
import io.barrage.protocol.scenario.LoadSpec;
import io.barrage.protocol.scenario.PromptSpec;
import io.barrage.protocol.scenario.StepSpec;
import io.barrage.protocol.scenario.Target;
import io.barrage.protocol.scenario.Timeouts;
import io.barrage.protocol.scenario.Workload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

/** Builders shared by the engine's integration tests. */
final class EngineFixture {
  static final Timeouts QUICK = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(30));

  private EngineFixture() {}

  static Target target(String name, ApiKind api, String url) {
    return new Target(name, api, url, "m", null, null, null, null);
  }

  static Target target(String name, ApiKind api, String url, Auth auth, FastapiOptions fastapi, Boolean stream) {
    return new Target(name, api, url, "m", null, auth, fastapi, stream);
  }

  static Workload workload(PromptSpec prompt, StepSpec step, Timeouts timeouts) {
    return new Workload(prompt, List.of(8), new LoadSpec(List.of(1), null, null), step, timeouts, 42L);
  }

  static Workload requests(int n) {
    return workload(new PromptSpec("hello there", null, null), new StepSpec(n, null, null), QUICK);
  }

  static Workload requests(int n, Timeouts t) {
    return workload(new PromptSpec("hello there", null, null), new StepSpec(n, null, null), t);
  }

  static StepRequest closed(Target t, Workload w, int streams) {
    return closed(t, w, streams, null);
  }

  /** Relative secret-file and dataset paths resolve against {@code baseDir}. */
  static StepRequest closed(Target t, Workload w, int streams, Path baseDir) {
    Load load = new Load.Concurrency(streams);
    long quota = w.step().requests() == null ? -1 : w.step().requests();
    return new StepRequest("w1", new CellSpec(0, t.name() + "/m8/" + load.id(), t.name(), 8, load, 1), t, w,
        new LoadShare(streams, 0, 0, 1, quota), 0, baseDir);
  }

  static StepRequest open(Target t, Workload w, Load.Rate rate, int slice, int slices, long quota, Path baseDir) {
    return new StepRequest("w" + slice, new CellSpec(0, t.name() + "/m8/" + rate.id(), t.name(), 8, rate, 1), t, w,
        new LoadShare(0, 0, slice, slices, quota), 0, baseDir);
  }

  static CellAggregate run(LoadEngine engine, StepRequest r) throws TimeoutException {
    return LocalStep.run(engine, r, Duration.ofMillis(200), Duration.ofSeconds(60), x -> {});
  }
}
