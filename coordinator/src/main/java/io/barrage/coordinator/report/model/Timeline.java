package io.barrage.coordinator.report.model;

import java.util.List;

/**
 * {@code timeline.json}: what every worker reported in every interval of every cell, for the charts
 * of tokens/s and in-flight requests over the run. Worker events are in {@link RunInfo}.
 */
public record Timeline(int schemaVersion, long runStartEpochMs, List<CellTimeline> cells) {

  /**
   * @param perSecond a ramp's ({@code load.stages}) per-second series; null for a fixed load level
   * @param server what was scraped from the target's metrics endpoints, one point per scrape
   *     (docs/telemetry.md); empty when nothing was
   */
  public record CellTimeline(String cell, String target, long startedAtEpochMs, long endedAtEpochMs, List<Point> points, List<Second> perSecond,
      List<ServerPoint> server) {
    public CellTimeline {
      server = server == null ? List.of() : List.copyOf(server);
    }

    /** A cell without a ramp's series or server telemetry. */
    public CellTimeline(String cell, String target, long startedAtEpochMs, long endedAtEpochMs, List<Point> points) {
      this(cell, target, startedAtEpochMs, endedAtEpochMs, points, null, List.of());
    }
  }

  /**
   * One second of a ramp, counted from the cell's start: the planned level, the exact merge of every
   * worker's interval histograms that fall in it (each interval by its middle), and rates.
   *
   * @param second seconds since the cell's start (the bucket's start)
   * @param level the planned level at the bucket's middle (users or requests/s)
   * @param okPerSecond successful requests ended per second
   * @param goodPerSecond good requests (goodput) ended per second; null without per-request thresholds
   * @param inFlight requests in flight at the bucket's end, summed over workers
   * @param latencyMs per metric ({@code ttft}, {@code tpot}, {@code e2e}), {@code {count, p50, p90, p99}} in ms
   */
  public record Second(int second, double level, Double okPerSecond, Double goodPerSecond, long inFlight, java.util.Map<String, Percentiles> latencyMs) {}

  /** A few percentiles of one second's merged histogram, in ms; null values with count 0. */
  public record Percentiles(long count, Double p50, Double p90, Double p99) {}

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
   * @param goodRequests requests that ended in the interval and met every per-request threshold of
   *     the scenario's {@code slo}; null when it sets none
   * @param goodOutputTokens their output tokens; null when the scenario sets no threshold
   * @param ttftCount TTFT samples of the interval; {@code ttftMeanMs} and {@code ttftMaxMs} their mean
   *     and maximum (null in results written before they were recorded)
   */
  public record Point(String worker, long startEpochMs, long endEpochMs, long outputTokens, long ok, long errors, int inFlight, Long arrivedTokens,
      Long goodRequests, Long goodOutputTokens, Long ttftCount, Double ttftMeanMs, Double ttftMaxMs) {

    /** A point without goodput counts or TTFT figures (results written before they were recorded). */
    public Point(String worker, long startEpochMs, long endEpochMs, long outputTokens, long ok, long errors, int inFlight, Long arrivedTokens) {
      this(worker, startEpochMs, endEpochMs, outputTokens, ok, errors, inFlight, arrivedTokens, null, null, null, null, null);
    }

    /** Tokens booked at arrival where recorded, else at the end of their request. */
    public long tokensForRate() {
      return arrivedTokens != null ? arrivedTokens : outputTokens;
    }
  }
}
