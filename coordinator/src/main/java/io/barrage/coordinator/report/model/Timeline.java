package io.barrage.coordinator.report.model;

import java.util.List;

/**
 * {@code timeline.json}: what every worker reported in every interval of every cell, for the charts
 * of tokens/s and in-flight requests over the run. Worker events are in {@link RunInfo}.
 */
public record Timeline(int schemaVersion, long runStartEpochMs, List<CellTimeline> cells) {

  public record CellTimeline(String cell, String target, long startedAtEpochMs, long endedAtEpochMs, List<Point> points) {}

  /**
   * One interval of one worker: deltas, except {@code inFlight} (a gauge at the interval's end).
   *
   * @param outputTokens tokens of the ok requests that ended in the interval (they sum to the cell's outputTokens)
   * @param arrivedTokens tokens that arrived in the interval, whatever became of their request (the
   *     tokens/s-over-time chart); null in results written before it was recorded
   * @param goodRequests requests that ended in the interval and met every per-request threshold of
   *     the scenario's {@code slo}; null when it sets none
   * @param goodOutputTokens their output tokens; null when the scenario sets no threshold
   */
  public record Point(String worker, long startEpochMs, long endEpochMs, long outputTokens, long ok, long errors, int inFlight, Long arrivedTokens,
      Long goodRequests, Long goodOutputTokens) {

    public Point(String worker, long startEpochMs, long endEpochMs, long outputTokens, long ok, long errors, int inFlight, Long arrivedTokens) {
      this(worker, startEpochMs, endEpochMs, outputTokens, ok, errors, inFlight, arrivedTokens, null, null);
    }

    /** Tokens booked at arrival where recorded, else at the end of their request. */
    public long tokensForRate() {
      return arrivedTokens != null ? arrivedTokens : outputTokens;
    }
  }
}
