package io.barrage.protocol.results;

import io.barrage.protocol.plan.CellSpec;

/**
 * Everything measured for one cell, as the coordinator hands it to the report writer.
 *
 * @param windowSeconds what throughput is divided by (duration − warmup for duration steps; the
 *     measured span for request-count steps)
 * @param incomplete measured requests whose outcome never arrived (lost with a worker, or cut off)
 * @param sendLagBudgetMs the send-lag p99 above which the generator counts as saturated
 * @param workersUsed how many workers carried this cell
 * @param cut the cell ended before its plan (stopped, interrupted, or every worker gone): its window
 *     is the time it really measured, and it is reported {@code interrupted}, never completed
 * @param server what was scraped from the target's metrics endpoints during the cell; null when
 *     nothing was scraped (scraping off, no endpoint for the api kind)
 */
public record CellRecord(
    CellSpec spec,
    CellAggregate aggregate,
    double windowSeconds,
    long incomplete,
    double sendLagBudgetMs,
    int workersUsed,
    long startedAtEpochMs,
    long endedAtEpochMs,
    boolean cut,
    ServerTelemetry server) {

  /** A cell without server telemetry. */
  public CellRecord(CellSpec spec, CellAggregate aggregate, double windowSeconds, long incomplete, double sendLagBudgetMs, int workersUsed,
      long startedAtEpochMs, long endedAtEpochMs, boolean cut) {
    this(spec, aggregate, windowSeconds, incomplete, sendLagBudgetMs, workersUsed, startedAtEpochMs, endedAtEpochMs, cut, null);
  }

  /** A cell that ran to its plan. */
  public CellRecord(
      CellSpec spec, CellAggregate aggregate, double windowSeconds, long incomplete, double sendLagBudgetMs, int workersUsed, long startedAtEpochMs, long endedAtEpochMs) {
    this(spec, aggregate, windowSeconds, incomplete, sendLagBudgetMs, workersUsed, startedAtEpochMs, endedAtEpochMs, false, null);
  }
}
