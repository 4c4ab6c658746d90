package io.barrage.worker.cluster;

import io.barrage.worker.engine.RunningStep;
import io.barrage.worker.engine.StepRequest;

/**
 * What the {@link WorkerAgent} needs from the load engine: start one cell's share. The production
 * implementation is {@link EngineStepLauncher} (the worker's {@code LoadEngine}); tests plug in a
 * scripted one.
 */
public interface StepLauncher extends AutoCloseable {

  /**
   * Starts a step; {@code startAtEpochMs} of the request is in this worker's clock. Throws {@link
   * IllegalArgumentException} with a readable message when it cannot.
   */
  RunningStep start(StepRequest request);

  @Override
  default void close() {}
}
