package io.barrage.worker.cluster;

import io.barrage.protocol.metrics.IntervalReport;
import io.barrage.protocol.plan.LoadShare;
import io.barrage.worker.engine.EngineSettings;
import io.barrage.worker.engine.LoadEngine;
import io.barrage.worker.engine.RunningStep;
import io.barrage.worker.engine.StepRequest;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ActorSystem;

/** The production {@link StepLauncher}: the worker's {@link LoadEngine}. */
public final class EngineStepLauncher implements StepLauncher {
  private final LoadEngine engine;

  public EngineStepLauncher(ActorSystem classicSystem) {
    this.engine = new LoadEngine(classicSystem, EngineSettings.fromConfig(classicSystem.settings().config()));
  }

  public LoadEngine engine() {
    return engine;
  }

  @Override
  public StepRun start(StepOrder o) {
    RunningStep step = engine.start(new StepRequest(o.workerId(), o.cell(), o.target(), o.workload(), o.share(), o.startAtEpochMs(), o.baseDir()));
    return new StepRun() {
      @Override
      public IntervalReport drainInterval() {
        return step.drainInterval();
      }

      @Override
      public CompletionStage<Void> done() {
        return step.done();
      }

      @Override
      public void stop() {
        step.stop();
      }

      @Override
      public void resize(LoadShare newShare) {
        step.resize(newShare);
      }

      @Override
      public int inFlight() {
        return step.inFlight();
      }
    };
  }

  @Override
  public void close() {
    engine.close();
  }
}
