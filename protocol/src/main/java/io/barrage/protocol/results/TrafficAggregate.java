package io.barrage.protocol.results;

import io.barrage.protocol.metrics.Histograms;
import io.barrage.protocol.metrics.TrafficReport;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * The exact merge of the {@link TrafficReport}s of one cell, part of its {@link CellAggregate}:
 * per-turn histograms added, session counts summed, and, for trace replay, what each worker offered
 * and sent in each interval (the offered vs achieved arrival rate). Not thread-safe.
 */
public final class TrafficAggregate {

  /** One worker's interval: trace arrivals due ({@code offered}) and requests sent ({@code sent}). */
  public record ArrivalPoint(String workerId, long startEpochMs, long endEpochMs, long offered, long sent) {}

  private final SortedMap<Integer, Histogram> ttftByTurn = new TreeMap<>();
  private final SortedMap<Integer, Histogram> e2eByTurn = new TreeMap<>();
  private final Histogram sessionLatency = Histograms.create();
  private final List<ArrivalPoint> arrivals = new ArrayList<>();
  private long sessionsStarted, sessionsCompleted, sessionsFailed, offered;
  private boolean any;

  /** Merges one report's part (the caller has checked it is not a duplicate). */
  void add(TrafficReport t, String workerId, long startEpochMs, long endEpochMs, long sent) {
    // decode everything first: a corrupt histogram throws before anything is merged
    Map<Integer, Histogram> ttft = decode(t.ttftByTurn()), e2e = decode(t.e2eByTurn());
    Histogram session = t.sessionLatency().length == 0 ? null : Histograms.decode(t.sessionLatency());
    ttft.forEach((k, h) -> ttftByTurn.computeIfAbsent(k, x -> Histograms.create()).add(h));
    e2e.forEach((k, h) -> e2eByTurn.computeIfAbsent(k, x -> Histograms.create()).add(h));
    if (session != null) sessionLatency.add(session);
    sessionsStarted += t.sessionsStarted();
    sessionsCompleted += t.sessionsCompleted();
    sessionsFailed += t.sessionsFailed();
    offered += t.offered();
    if (t != TrafficReport.NONE) any = true;
    arrivals.add(new ArrivalPoint(workerId, startEpochMs, endEpochMs, t.offered(), sent));
  }

  private static Map<Integer, Histogram> decode(Map<Integer, byte[]> m) {
    Map<Integer, Histogram> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, Histograms.decode(v)));
    return out;
  }

  /** Whether any report carried session or trace figures. */
  public boolean any() {
    return any;
  }

  /** TTFT histograms by turn index (1 = first), microseconds. Do not modify. */
  public SortedMap<Integer, Histogram> ttftByTurn() { return Collections.unmodifiableSortedMap(ttftByTurn); }
  /** E2E histograms by turn index, microseconds. Do not modify. */
  public SortedMap<Integer, Histogram> e2eByTurn() { return Collections.unmodifiableSortedMap(e2eByTurn); }
  /** Latency of completed measured sessions, microseconds. Do not modify. */
  public Histogram sessionLatency() { return sessionLatency; }
  public long sessionsStarted() { return sessionsStarted; }
  public long sessionsCompleted() { return sessionsCompleted; }
  public long sessionsFailed() { return sessionsFailed; }
  /** Trace arrivals that were due during the cell, over all workers. */
  public long offered() { return offered; }
  public List<ArrivalPoint> arrivals() { return Collections.unmodifiableList(arrivals); }
}
