package io.barrage.protocol.results;

import java.util.Locale;

/**
 * Something that happened to a worker during a run, for the report's markers and summary.json.
 *
 * <p>The figures of a loss follow the rule of docs/cluster.md: a worker reports every interval, so a
 * crash loses at most the work since its last report that arrived.
 *
 * @param capacityShare fraction of the cell's planned load this worker carried when it was lost (0..1)
 * @param requestsLost requests it had in flight at its last report that arrived: their outcome never
 *     arrived (the cell counts them {@code incomplete}); 0 once a late last report delivered them
 * @param completedAfterLastReportAtMost an estimate, not a count: at most this many measured requests
 *     completed after its last report and were never reported (its last report's completion rate ×
 *     {@code secondsAfterLastReport}); in no other figure
 * @param secondsAfterLastReport the time the estimate covers: from the end of its last report until it
 *     was found lost, at most one report interval
 */
public record WorkerEvent(
    String workerId,
    Kind kind,
    long atEpochMs,
    String cellId,
    double capacityShare,
    long requestsLost,
    String detail,
    long completedAfterLastReportAtMost,
    double secondsAfterLastReport) {

  public enum Kind {
    JOINED,
    LOST,
    LEFT,
    REBALANCED,
    /** began its part of a ramp cell late (its order reached it after the cell's start); nothing is lost */
    LATE
  }

  /** An event without loss estimate (joined, rebalanced, a graceful leave). */
  public WorkerEvent(String workerId, Kind kind, long atEpochMs, String cellId, double capacityShare, long requestsLost, String detail) {
    this(workerId, kind, atEpochMs, cellId, capacityShare, requestsLost, detail, 0, 0);
  }

  /** Whether anything measured may be missing with this event. */
  public boolean lostSomething() {
    return requestsLost > 0 || completedAfterLastReportAtMost > 0;
  }

  /** One line for terminals: "33% of the load, 10 requests in flight at its last report, at most ~11 completed after it". */
  public String lossText() {
    String share = String.format(Locale.ROOT, "%.0f%% of the load", 100 * capacityShare);
    if (!lostSomething()) return share + ", nothing lost";
    return share + ", " + requestsLost + " request(s) in flight at its last report" + (completedAfterLastReportAtMost > 0
        ? String.format(Locale.ROOT, ", at most ~%d completed in the %.1f s after it (estimate)", completedAfterLastReportAtMost, secondsAfterLastReport)
        : "");
  }
}
