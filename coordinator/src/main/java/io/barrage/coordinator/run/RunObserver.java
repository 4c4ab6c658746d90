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

  /** A run was accepted: what it will run (before any status of it). */
  default void accepted(RunOrder order) {}

  /**
   * An interval report was merged into {@code cell} of run {@code runId} (duplicates and refused
   * reports are not passed on), with its histograms as decoded for the merge. Called on the run's
   * actor: must not block, must not keep or change the histograms.
   */
  default void merged(String runId, io.barrage.protocol.plan.CellSpec cell, io.barrage.protocol.metrics.IntervalReport report,
      java.util.Map<io.barrage.protocol.metrics.Metric, org.HdrHistogram.Histogram> histograms) {}
}
