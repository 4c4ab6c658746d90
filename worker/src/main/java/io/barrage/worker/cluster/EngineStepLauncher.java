package io.barrage.worker.cluster;

import io.barrage.worker.WorkerSettings;
import io.barrage.worker.engine.LoadEngine;
import io.barrage.worker.engine.RunningStep;
import io.barrage.worker.engine.StepRequest;
import org.apache.pekko.actor.ActorSystem;

/** The production {@link StepLauncher}: the worker's {@link LoadEngine}. */
public final class EngineStepLauncher implements StepLauncher {
  private final LoadEngine engine;

  public EngineStepLauncher(ActorSystem classicSystem) {
    this.engine = new LoadEngine(classicSystem, WorkerSettings.fromConfig(classicSystem.settings().config()).engine());
  }

  public LoadEngine engine() {
    return engine;
  }

  @Override
  public RunningStep start(StepRequest request) {
    return engine.start(request);
  }

  @Override
  public void close() {
    engine.close();
  }
}
