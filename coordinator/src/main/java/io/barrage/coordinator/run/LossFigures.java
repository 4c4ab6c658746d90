package io.barrage.coordinator.run;

/**
 * What a worker that stopped reporting took with it, by the rule in docs/cluster.md: a worker reports
 * every interval, so a crash loses at most the work since its last report that arrived.
 *
 * <ul>
 *   <li>{@code inFlightAtLastReport}: requests it had in flight when that report was cut; their
 *       outcome never arrived (the cell's {@code incomplete}). 0 when the report ended inside the
 *       warm-up: those requests started in the warm-up and are not measured.
 *   <li>{@code completedAfterAtMost}: an estimate of the measured requests it completed after that
 *       report and never reported: its completion rate (the highest of its last interval's, its mean
 *       over the cell, and what its share completes on the other workers) times {@code secondsAfterReport}, the time from that report's end until it was
 *       found lost, at most one report interval plus {@link #REPORT_IN_TRANSIT_MS} plus the longest time
 *       one of its reports took to arrive (had it lived longer, its next report would have arrived).
 *       Not in any count.
 * </ul>
 */
record LossFigures(long inFlightAtLastReport, long completedAfterAtMost, double secondsAfterReport) {

  static final LossFigures NONE = new LossFigures(0, 0, 0);

  /**
   * Added to the report interval, with the longest delivery time of its reports: a report cut just
   * before the crash may not have left the process (measured: a kill -9 lost 15 completions where one
   * 1.5 s interval at its last report's rate gave 9; one on a starved machine lost 18 where one
   * interval + 0.5 s gave 5).
   */
  static final long REPORT_IN_TRANSIT_MS = 500;

  /**
   * @param a the worker's part of the cell, with its latest report
   * @param nowEpochMs when it was found lost (coordinator clock)
   * @param measuredFromEpochMs the end of the cell's warm-up (coordinator clock), {@code Long.MIN_VALUE}
   *     without warm-up
   * @param cappedAtOneInterval whether the time since its report is capped at one report interval
   *     (a crash); false for a worker known to have run on (it reported after it was counted lost)
   */
  static LossFigures of(CellRun.Assignment a, long nowEpochMs, long measuredFromEpochMs, boolean cappedAtOneInterval) {
    return of(a, nowEpochMs, measuredFromEpochMs, cappedAtOneInterval, 0);
  }

  /**
   * @param peerRate what the worker's share completes per second judging by the other workers of the
   *     cell (a worker that dies early in a cell has only ramp-up reports of its own)
   */
  static LossFigures of(CellRun.Assignment a, long nowEpochMs, long measuredFromEpochMs, boolean cappedAtOneInterval, double peerRate) {
    if (a.lastReportEndEpochMs < 0) return NONE; // it never reported: nothing of it was running that we know of
    long end = a.lastReportEndEpochMs;
    long since = Math.max(0, nowEpochMs - end);
    // reports that took D to arrive: those cut up to D before the crash may never have arrived
    long interval = a.lastIntervalMs + REPORT_IN_TRANSIT_MS + Math.max(0, a.maxDeliveryLagMs);
    long afterMs = cappedAtOneInterval ? Math.min(since, interval) : interval;
    long inFlight = end < measuredFromEpochMs ? 0 : a.lastInFlight;
    // only the part of that time after the warm-up loses measured requests
    long measuredMs = Math.max(0, end + afterMs - Math.max(end, measuredFromEpochMs));
    double rate = Math.max(a.completionRate(), peerRate);
    long completed = (long) Math.ceil(rate * measuredMs / 1000.0);
    return new LossFigures(inFlight, completed, afterMs / 1000.0);
  }

  boolean none() {
    return inFlightAtLastReport == 0 && completedAfterAtMost == 0;
  }

  /** How a person reads it: "10 requests in flight at its last report, at most ~11 completed after it (estimate)". */
  String text() {
    return inFlightAtLastReport + " request(s) in flight at its last report (counted incomplete), at most ~" + completedAfterAtMost
        + " completed in the " + String.format(java.util.Locale.ROOT, "%.1f", secondsAfterReport)
        + " s after it (estimate from its last report's rate; not in any count)";
  }
}
