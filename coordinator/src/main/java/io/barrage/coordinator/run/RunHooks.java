package io.barrage.coordinator.run;

import io.barrage.protocol.scenario.Scenario;
import java.nio.file.Path;
import java.util.function.IntSupplier;

/**
 * What the platform the coordinator runs on may add around a run, without the coordinator knowing
 * the platform (under Kubernetes the {@code cli} module implements it with the {@code k8s} module).
 * {@link Runs} calls every method on its own threads, never on an actor thread, so an implementation
 * may block. An implementation should not throw; if it does, {@link Runs} logs a WARN and carries on
 * as if the hook had done nothing: a platform failure never fails a run.
 */
public interface RunHooks {

  /** Hooks that do nothing: the coordinator on a laptop or plain hosts. */
  RunHooks NONE = new RunHooks() {};

  /**
   * Called once per run before its cells are planned; may return the scenario with gaps filled (e.g.
   * the targets' deployment columns read from the cluster). The scenario text the workers get is not
   * changed.
   */
  default Scenario beforePlan(Scenario scenario) {
    return scenario;
  }

  /**
   * Called once per run, while the run waits for its workers: make sure at least {@code needed}
   * workers run (the run's {@code minWorkers}). May block until they have joined;
   * {@code workersUp} counts the worker nodes that are Up in the cluster right now.
   */
  default void ensureWorkers(int needed, IntSupplier workersUp) {}

  /**
   * Called once the result directory {@code runDir} of run {@code runId} is written, before the run's
   * status turns {@code FINISHED} (so a client that saw {@code FINISHED} finds the export done).
   */
  default void afterResults(Path runDir, String runId) {}
}
