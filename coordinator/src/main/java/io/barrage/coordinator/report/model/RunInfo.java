package io.barrage.coordinator.report.model;

import java.util.List;

/**
 * How the run went.
 *
 * @param outcome {@code completed}, {@code degraded} or {@code aborted}
 * @param outcomeReason why it was degraded or aborted (null when completed)
 */
public record RunInfo(
    String id,
    String scenario,
    String startedAt,
    String endedAt,
    double durationSeconds,
    String outcome,
    String outcomeReason,
    Workers workers) {

  /** Workers planned, and every worker lost during the run (with when and how much capacity). */
  public record Workers(int planned, List<WorkerLoss> lost, List<WorkerEventInfo> events) {}

  /**
   * A lost worker: {@code requestsLost} were in flight at its last report (counted {@code incomplete});
   * {@code completedAfterLastReportAtMost} is an estimate (its last report's rate × {@code
   * secondsAfterLastReport}) of requests it completed after that report, in no count.
   */
  public record WorkerLoss(String workerId, String at, long atEpochMs, String cell, double capacityShare, long requestsLost, String detail,
      long completedAfterLastReportAtMost, double secondsAfterLastReport) {}

  public record WorkerEventInfo(String workerId, String kind, String at, long atEpochMs, String cell, double capacityShare, long requestsLost, String detail,
      long completedAfterLastReportAtMost, double secondsAfterLastReport) {}
}
