package io.barrage.coordinator.report;

import io.barrage.coordinator.report.model.TrafficSummary;
import io.barrage.protocol.plan.Load;
import io.barrage.protocol.results.TrafficAggregate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Builds a cell's {@link TrafficSummary} from its merged {@link TrafficAggregate}: null for a cell
 * that has neither sessions nor a trace. The offered vs achieved series adds every worker's interval
 * counts into the second (since the cell's start) its interval began in; workers report about once a
 * second from the cell's start, so each second holds one interval of each worker.
 */
final class TrafficSummaries {
  private TrafficSummaries() {}

  static TrafficSummary of(TrafficAggregate a, Load load, boolean sessions, long cellStartEpochMs) {
    TrafficSummary.Sessions s = null;
    List<TrafficSummary.Turn> turns = null;
    if (sessions) {
      s = new TrafficSummary.Sessions(a.sessionsStarted(), a.sessionsCompleted(), a.sessionsFailed(), LatencyStats.of(a.sessionLatency()));
      turns = new ArrayList<>();
      for (Map.Entry<Integer, Histogram> e : a.ttftByTurn().entrySet()) {
        Histogram e2e = a.e2eByTurn().get(e.getKey());
        turns.add(new TrafficSummary.Turn(e.getKey(), LatencyStats.of(e.getValue()), e2e == null ? null : LatencyStats.of(e2e)));
      }
    }
    TrafficSummary.Trace trace = null;
    if (load instanceof Load.Trace) {
      TreeMap<Long, long[]> bySecond = new TreeMap<>();
      long sent = 0;
      for (TrafficAggregate.ArrivalPoint p : a.arrivals()) {
        long second = Math.max(0, Math.floorDiv(p.startEpochMs() - cellStartEpochMs + 500, 1000));
        long[] v = bySecond.computeIfAbsent(second, k -> new long[2]);
        v[0] += p.offered();
        v[1] += p.sent();
        sent += p.sent();
      }
      List<TrafficSummary.RatePoint> points = new ArrayList<>();
      bySecond.forEach((k, v) -> points.add(new TrafficSummary.RatePoint(k, v[0], v[1])));
      trace = new TrafficSummary.Trace(a.offered(), sent, points);
    }
    return s == null && trace == null ? null : new TrafficSummary(s, turns, trace);
  }

  /** The results.csv columns of a {@link TrafficSummary}, appended after the older ones. */
  static final List<String> CSV_HEADER = List.of("sessions_completed", "session_latency_p50_ms", "ttft_p50_ms_turn1",
      "ttft_p50_ms_last_turn", "trace_offered", "trace_sent");

  /** The values of {@link #CSV_HEADER} for one cell (empty where they do not apply). */
  static List<String> csv(TrafficSummary t) {
    List<String> out = new ArrayList<>();
    TrafficSummary.Sessions s = t == null ? null : t.sessions();
    List<TrafficSummary.Turn> turns = t == null || t.turns() == null ? List.of() : t.turns();
    out.add(s == null ? null : Long.toString(s.completed()));
    out.add(s == null ? null : num(s.latency().p50()));
    out.add(turns.isEmpty() ? null : num(turns.get(0).ttft().p50()));
    out.add(turns.isEmpty() ? null : num(turns.get(turns.size() - 1).ttft().p50()));
    out.add(t == null || t.trace() == null ? null : Long.toString(t.trace().offered()));
    out.add(t == null || t.trace() == null ? null : Long.toString(t.trace().sent()));
    return out;
  }

  private static String num(Double v) {
    return v == null || !Double.isFinite(v) ? null : io.barrage.coordinator.report.model.Numbers.trim(v);
  }
}
