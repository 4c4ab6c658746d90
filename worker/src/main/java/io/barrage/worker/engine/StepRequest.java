package io.barrage.worker.engine;

import io.barrage.protocol.plan.CellSpec;
import io.barrage.protocol.plan.LoadShare;
import io.barrage.protocol.scenario.GoodputThresholds;
import io.barrage.protocol.scenario.Target;
import io.barrage.protocol.scenario.Workload;
import java.nio.file.Path;

/**
 * What one worker runs for one cell.
 *
 * @param startAtEpochMs wall clock, already corrected by the measured clock offset; a value at or
 *     before now means start now
 * @param baseDir directory that relative dataset and secret-file paths are resolved against (nullable)
 * @param goodput the per-request thresholds of the scenario's {@code slo}, or null (no goodput)
 */
public record StepRequest(
    String workerId,
    CellSpec cell,
    Target target,
    Workload workload,
    LoadShare share,
    long startAtEpochMs,
    Path baseDir,
    GoodputThresholds goodput) {

  /** A step without goodput thresholds. */
  public StepRequest(String workerId, CellSpec cell, Target target, Workload workload, LoadShare share, long startAtEpochMs, Path baseDir) {
    this(workerId, cell, target, workload, share, startAtEpochMs, baseDir, null);
  }
}
