package io.barrage.protocol.metrics;

import java.util.Map;

/**
 * The part of an interval report that only multi-turn sessions and trace replay fill (see
 * docs/results.md "Sessions" and "Trace replay"); {@link #NONE} for every other step. Histograms are
 * encoded like {@link IntervalReport#histograms()} (microseconds) and merged exactly.
 *
 * @param ttftByTurn TTFT of successful measured requests by turn index (1 = a session's first turn)
 * @param e2eByTurn e2e of successful measured requests by turn index
 * @param sessionsStarted sessions whose first turn was sent in this interval
 * @param sessionsCompleted sessions whose every turn succeeded and whose last turn ended in this interval
 * @param sessionsFailed sessions ended early in this interval because one of their turns failed
 * @param sessionLatency first turn's send to last turn's end (think times included) of completed
 *     measured sessions; an empty array when there is none
 * @param offered trace arrivals of this worker's slice whose scheduled instant fell in this interval
 */
public record TrafficReport(
    Map<Integer, byte[]> ttftByTurn,
    Map<Integer, byte[]> e2eByTurn,
    long sessionsStarted,
    long sessionsCompleted,
    long sessionsFailed,
    byte[] sessionLatency,
    long offered) {

  public static final TrafficReport NONE = new TrafficReport(Map.of(), Map.of(), 0, 0, 0, new byte[0], 0);

  public TrafficReport {
    ttftByTurn = Map.copyOf(ttftByTurn);
    e2eByTurn = Map.copyOf(e2eByTurn);
    if (sessionLatency == null) sessionLatency = new byte[0];
  }
}
