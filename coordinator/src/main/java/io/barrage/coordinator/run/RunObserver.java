package io.barrage.coordinator.run;

/** Receives a run's status snapshots (the API's board, the terminal progress). Must not block. */
@FunctionalInterface
public interface RunObserver {
  void update(RunStatus status);

  /**
   * The run so far, after each cell that ended, with outcome {@code interrupted} ("not finished"):
   * written to disk so that a crash of the coordinator loses at most the running cell.
   */
  default void checkpoint(io.barrage.protocol.results.RunRecord soFar) {}
}
