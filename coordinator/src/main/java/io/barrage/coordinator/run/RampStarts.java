package io.barrage.coordinator.run;

import io.barrage.protocol.metrics.IntervalReport;
import io.barrage.protocol.plan.Load;
import io.barrage.protocol.results.WorkerEvent;
import org.slf4j.Logger;

/**
 * Names a worker that began its part of a ramp ({@code load.stages}) late. Every worker follows the
 * ramp from its own start: the cell's common start, or the instant its order reached it when that was
 * later (an overloaded machine, a slow network); its whole part then reaches the target late by that
 * much. A ramp worker's first interval report starts at the instant it began (its clock, turned into
 * the coordinator's by the measured offset), so its lateness is known exactly once that report is
 * merged. A worker {@value #LATE_MS} ms or more late is recorded as a {@code late} worker event of the
 * cell, with the lateness in ms in its detail. The per-second series is aligned on each worker's own
 * start (the report's {@code RampOrigins}), so it is not shifted by the lateness. Plain Java, owned by
 * the run's actor.
 */
final class RampStarts {
  /** A worker this late (ms) or later is named; well above the error of the clock-offset measurement. */
  static final long LATE_MS = 250;

  private final RunLedger ledger;
  private final Logger log;

  RampStarts(RunLedger ledger, Logger log) {
    this.ledger = ledger;
    this.log = log;
  }

  /** Called for every report merged into {@code cell} for {@code a}; looks at the first one only. */
  void merged(CellRun cell, CellRun.Assignment a, IntervalReport r) {
    if (!(cell.spec.load() instanceof Load.Ramp) || r.sequence() != 0 || a.firstReportStartEpochMs < 0) return;
    long lateMs = a.firstReportStartEpochMs - cell.startAtEpochMs;
    if (lateMs < LATE_MS) return;
    String detail = "started its part of the ramp " + lateMs + " ms after the cell's common start (its order reached it late), so the target got "
        + "its share of every stage " + lateMs + " ms late; the per-second series is aligned on each worker's own start";
    ledger.add(new WorkerEvent(a.workerId, WorkerEvent.Kind.LATE, System.currentTimeMillis(), cell.spec.id(),
        Rebalancer.capacityShare(cell.spec.load(), a.carried), 0, detail));
    log.warn("cell {}: worker {} {}", cell.spec.id(), a.workerId, detail);
  }
}
