package io.barrage.protocol.results;

/**
 * Something that happened to a worker during a run, for the report's markers and summary.json.
 *
 * @param capacityShare fraction of the cell's planned load this worker carried when it was lost (0..1)
 * @param requestsLost in-flight requests lost with it (their results never arrived)
 */
public record WorkerEvent(
    String workerId, Kind kind, long atEpochMs, String cellId, double capacityShare, long requestsLost, String detail) {

  public enum Kind {
    JOINED,
    LOST,
    LEFT,
    REBALANCED
  }
}
