package io.barrage.coordinator.report.model;

import java.util.List;

/**
 * {@code timeline.json}: what every worker reported in every interval of every cell, for the charts
 * of tokens/s and in-flight requests over the run. Worker events are in {@link RunInfo}.
 */
public record Timeline(int schemaVersion, long runStartEpochMs, List<CellTimeline> cells) {

  /**
   * @param server what was scraped from the target's metrics endpoints, one point per scrape
   *     (docs/telemetry.md); empty when nothing was
   */
  public record CellTimeline(String cell, String target, long startedAtEpochMs, long endedAtEpochMs, List<Point> points, List<ServerPoint> server) {
    public CellTimeline {
      server = server == null ? List.of() : List.copyOf(server);
    }

    /** A cell without server telemetry. */
    public CellTimeline(String cell, String target, long startedAtEpochMs, long endedAtEpochMs, List<Point> points) {
      this(cell, target, startedAtEpochMs, endedAtEpochMs, points, List.of());
    }
  }

  /**
   * One scrape: {@code kind} {@code stack} or {@code dcgm}; {@code values} the canonical series at
   * that moment (gauges as read; tokens as {@code tokensGeneratedPerSecond} and durations as their
   * mean in ms since the previous scrape), by key.
   */
  public record ServerPoint(long epochMs, String kind, java.util.Map<String, Double> values) {}

  /**
   * One interval of one worker: deltas, except {@code inFlight} (a gauge at the interval's end).
   *
   * @param outputTokens tokens of the ok requests that ended in the interval (they sum to the cell's outputTokens)
   * @param arrivedTokens tokens that arrived in the interval, whatever became of their request (the
   *     tokens/s-over-time chart); null in results written before it was recorded
   * @param ttftCount TTFT samples of the interval; {@code ttftMeanMs} and {@code ttftMaxMs} their mean
   *     and maximum (null in results written before they were recorded)
   */
  public record Point(String worker, long startEpochMs, long endEpochMs, long outputTokens, long ok, long errors, int inFlight, Long arrivedTokens,
      Long ttftCount, Double ttftMeanMs, Double ttftMaxMs) {

    /** A point without TTFT figures (results written before they were recorded). */
    public Point(String worker, long startEpochMs, long endEpochMs, long outputTokens, long ok, long errors, int inFlight, Long arrivedTokens) {
      this(worker, startEpochMs, endEpochMs, outputTokens, ok, errors, inFlight, arrivedTokens, null, null, null);
    }

    /** Tokens booked at arrival where recorded, else at the end of their request. */
    public long tokensForRate() {
      return arrivedTokens != null ? arrivedTokens : outputTokens;
    }
  }
}
