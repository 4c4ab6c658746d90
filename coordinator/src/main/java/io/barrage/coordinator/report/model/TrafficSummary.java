package io.barrage.coordinator.report.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What a cell of multi-turn sessions or of trace replay adds to its summary (docs/results.md);
 * the part that does not apply is absent.
 *
 * @param sessions sessions started, completed and failed, and the latency of completed ones
 * @param turns TTFT and e2e by turn index (1 = a session's first turn), successful measured turns
 * @param trace trace arrivals offered and requests sent, in total and per second of the cell
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrafficSummary(Sessions sessions, List<Turn> turns, Trace trace) {

  /** @param latency first turn's send to last turn's end, think times included, of completed measured sessions */
  public record Sessions(long started, long completed, long failed, CellSummary.LatencySummary latency) {}

  public record Turn(int turn, CellSummary.LatencySummary ttft, CellSummary.LatencySummary e2e) {}

  /**
   * @param offered arrivals of the trace that were due during the cell (all workers)
   * @param sent requests the workers sent during the cell (warmup included)
   * @param perSecond offered and achieved arrivals per second, by second since the cell's start
   */
  public record Trace(long offered, long sent, List<RatePoint> perSecond) {}

  /** Requests per second in the second starting {@code second} seconds after the cell's start. */
  public record RatePoint(long second, long offered, long achieved) {}
}
