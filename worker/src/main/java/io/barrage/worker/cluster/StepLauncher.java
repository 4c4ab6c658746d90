package io.barrage.worker.cluster;

import io.barrage.protocol.plan.CellSpec;
import io.barrage.protocol.plan.LoadShare;
import io.barrage.protocol.scenario.Target;
import io.barrage.protocol.scenario.Workload;
import java.nio.file.Path;

/**
 * What the {@link WorkerAgent} needs from the load engine: start one cell's share. The production
 * implementation adapts {@code io.barrage.worker.engine.LoadEngine}; tests plug in a scripted one.
 */
public interface StepLauncher extends AutoCloseable {

  /** Starts a step; throws {@link IllegalArgumentException} with a readable message when it cannot. */
  StepRun start(StepOrder order);

  @Override
  default void close() {}

  /** Everything one step needs; {@code startAtEpochMs} is in this worker's clock. */
  record StepOrder(
      String workerId, CellSpec cell, Target target, Workload workload, LoadShare share, long startAtEpochMs, Path baseDir) {}
}
