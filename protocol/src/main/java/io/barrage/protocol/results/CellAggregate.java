package io.barrage.protocol.results;

import io.barrage.protocol.metrics.ErrorClass;
import io.barrage.protocol.metrics.Histograms;
import io.barrage.protocol.metrics.IntervalReport;
import io.barrage.protocol.metrics.Metric;
import io.barrage.protocol.metrics.UnreachableSpan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * The exact merge of every interval report of one cell: histograms are added ({@code Histogram.add},
 * never averaged percentiles), counters summed, duplicates (same worker, cell, sequence) ignored.
 * Not thread-safe: owned by one actor or one thread.
 */
public final class CellAggregate {

  /**
   * One point of the cell's timeline: what one worker reported for one interval.
   *
   * @param goodRequests requests of the interval that met every per-request threshold (goodput)
   * @param goodOutputTokens their output tokens
   * @param ttftCount TTFT samples of the interval; {@code ttftMeanMs} and {@code ttftMaxMs} their mean and maximum
   */
  public record TimelinePoint(String workerId, long startEpochMs, long endEpochMs, long outputTokens, long ok, long errors, int inFlight, long arrivedTokens,
      long goodRequests, long goodOutputTokens, long ttftCount, double ttftMeanMs, double ttftMaxMs) {

    /** A point without goodput counts or TTFT samples. */
    public TimelinePoint(String workerId, long startEpochMs, long endEpochMs, long outputTokens, long ok, long errors, int inFlight, long arrivedTokens) {
      this(workerId, startEpochMs, endEpochMs, outputTokens, ok, errors, inFlight, arrivedTokens, 0, 0, 0, 0, 0);
    }
  }

  private final String cellId;
  private final Map<Metric, Histogram> histograms = new EnumMap<>(Metric.class);
  private final Set<String> seen = new HashSet<>();
  private final Map<ErrorClass, Long> errors = new EnumMap<>(ErrorClass.class);
  private final Map<Integer, Long> httpStatuses = new TreeMap<>();
  private final List<TimelinePoint> timeline = new ArrayList<>();
  private final Set<String> workers = new HashSet<>();
  private final Set<String> finishedWorkers = new HashSet<>();
  private long started, ok, outputTokens, clientTokens, clientCounted, tokenMismatches, clamped, warmupRequests;
  private long firstMeasuredStartNs = Long.MAX_VALUE, lastMeasuredEndNs = Long.MIN_VALUE;
  private long firstIntervalStartMs = Long.MAX_VALUE, lastIntervalEndMs = Long.MIN_VALUE;
  private long duplicates;
  private long goodRequests, goodOutputTokens;
  private List<LatencySlice> latencySlices; // null unless kept (ramps)

  /**
   * One worker interval's TTFT, TPOT and e2e histograms, still encoded (compressed: a few hundred
   * bytes), kept for the per-second percentiles of a ramp.
   */
  public record LatencySlice(String workerId, long startEpochMs, long endEpochMs, Map<Metric, byte[]> histograms) {}

  /** The metrics a ramp's per-second series shows. */
  public static final List<Metric> SLICE_METRICS = List.of(Metric.TTFT, Metric.TPOT, Metric.E2E);
  private long retries;
  private final List<UnreachableSpan> unreachablePieces = new ArrayList<>();
  private final Map<ErrorClass, Set<String>> errorMessages = new EnumMap<>(ErrorClass.class);
  private final TrafficAggregate traffic = new TrafficAggregate();

  /** Distinct messages kept per error class. */
  public static final int MESSAGES_PER_CLASS = 5;

  public CellAggregate(String cellId) {
    this.cellId = cellId;
    for (Metric m : Metric.values()) histograms.put(m, Histograms.create());
  }

  /**
   * Merges one report. Returns false (and changes nothing) for a duplicate.
   *
   * @throws IllegalArgumentException for a report of another cell or a corrupt histogram; nothing of
   *     this report is merged then (all histograms are decoded before anything is added)
   */
  public boolean add(IntervalReport r) {
    if (isDuplicate(r)) {
      duplicates++;
      return false;
    }
    return add(r, decode(r));
  }

  /** True when this report (worker, sequence) was merged already. */
  public boolean isDuplicate(IntervalReport r) {
    return seen.contains(r.workerId() + "#" + r.sequence());
  }

  /** Decodes every histogram of a report (a corrupt one is an {@link IllegalArgumentException}). */
  public static Map<Metric, Histogram> decode(IntervalReport r) {
    Map<Metric, Histogram> decoded = new EnumMap<>(Metric.class);
    for (Map.Entry<Metric, byte[]> e : r.histograms().entrySet()) {
      decoded.put(e.getKey(), Histograms.decode(e.getValue()));
    }
    return decoded;
  }

  /**
   * Merges a report whose histograms the caller already decoded with {@link #decode} (so that the
   * coordinator decodes each histogram once for the merge and the interval logs). Returns false for a
   * duplicate.
   */
  public boolean add(IntervalReport r, Map<Metric, Histogram> decoded) {
    if (!cellId.equals(r.cellId())) {
      throw new IllegalArgumentException("report for cell " + r.cellId() + " given to cell " + cellId);
    }
    String key = r.workerId() + "#" + r.sequence();
    if (seen.contains(key)) {
      duplicates++;
      return false;
    }
    var c = r.counters();
    traffic.add(r.traffic(), r.workerId(), r.startEpochMs(), r.endEpochMs(), c.started());
    seen.add(key);
    decoded.forEach((m, h) -> histograms.get(m).add(h));
    started += c.started();
    ok += c.ok();
    c.errors().forEach((k, v) -> errors.merge(k, v, Long::sum));
    c.httpStatuses().forEach((k, v) -> httpStatuses.merge(k, v, Long::sum));
    outputTokens += c.outputTokens();
    clientTokens += c.clientTokens();
    clientCounted += c.clientCountedRequests();
    tokenMismatches += c.tokenMismatches();
    clamped += c.clamped();
    warmupRequests += c.warmupRequests();
    retries += c.retries();
    goodRequests += c.goodRequests();
    goodOutputTokens += c.goodOutputTokens();
    unreachablePieces.addAll(c.unreachable());
    c.errorMessages().forEach((cls, msgs) -> {
      Set<String> kept = errorMessages.computeIfAbsent(cls, k -> new LinkedHashSet<>());
      for (String m : msgs) if (kept.size() < MESSAGES_PER_CLASS) kept.add(m);
    });
    if (c.firstMeasuredStartNanosEpoch() >= 0) firstMeasuredStartNs = Math.min(firstMeasuredStartNs, c.firstMeasuredStartNanosEpoch());
    if (c.lastMeasuredEndNanosEpoch() >= 0) lastMeasuredEndNs = Math.max(lastMeasuredEndNs, c.lastMeasuredEndNanosEpoch());
    firstIntervalStartMs = Math.min(firstIntervalStartMs, r.startEpochMs());
    lastIntervalEndMs = Math.max(lastIntervalEndMs, r.endEpochMs());
    if (latencySlices != null) {
      Map<Metric, byte[]> kept = new EnumMap<>(Metric.class);
      for (Metric m : SLICE_METRICS) if (r.histograms().containsKey(m)) kept.put(m, r.histograms().get(m));
      latencySlices.add(new LatencySlice(r.workerId(), r.startEpochMs(), r.endEpochMs(), kept));
    }
    workers.add(r.workerId());
    if (r.last()) finishedWorkers.add(r.workerId());
    Histogram ttft = decoded.get(Metric.TTFT);
    long ttftCount = ttft == null ? 0 : ttft.getTotalCount();
    timeline.add(new TimelinePoint(r.workerId(), r.startEpochMs(), r.endEpochMs(), c.outputTokens(), c.ok(), c.errorCount(), c.inFlight(), c.arrivedTokens(),
        c.goodRequests(), c.goodOutputTokens(), ttftCount, ttftCount == 0 ? 0 : ttft.getMean() / 1000.0, ttftCount == 0 ? 0 : ttft.getMaxValue() / 1000.0));
    return true;
  }

  /** Keeps each report's TTFT, TPOT and e2e histograms for per-second percentiles (a ramp's timeline). */
  public CellAggregate keepLatencySlices() {
    if (latencySlices == null) latencySlices = new ArrayList<>();
    return this;
  }

  /** The kept latency slices in merge order; empty unless {@link #keepLatencySlices()} was called. */
  public List<LatencySlice> latencySlices() {
    return latencySlices == null ? List.of() : Collections.unmodifiableList(latencySlices);
  }

  public String cellId() { return cellId; }
  /** The merged histogram of a metric (microseconds). Do not modify. */
  public Histogram histogram(Metric m) { return histograms.get(m); }
  public long started() { return started; }
  public long ok() { return ok; }
  public Map<ErrorClass, Long> errors() { return Collections.unmodifiableMap(errors); }
  public long errorCount() { return errors.values().stream().mapToLong(Long::longValue).sum(); }
  public Map<Integer, Long> httpStatuses() { return Collections.unmodifiableMap(httpStatuses); }
  public long outputTokens() { return outputTokens; }
  public long clientTokens() { return clientTokens; }
  /** Successful requests whose tokens the client counted itself (see {@link #clientTokens()}). */
  public long clientCountedRequests() { return clientCounted; }
  public long tokenMismatches() { return tokenMismatches; }
  public long clamped() { return clamped; }
  public long warmupRequests() { return warmupRequests; }
  public long duplicates() { return duplicates; }
  /** Successful measured requests that met every per-request threshold (goodput; 0 without thresholds). */
  public long goodRequests() { return goodRequests; }
  /** Output tokens of the {@link #goodRequests()}. */
  public long goodOutputTokens() { return goodOutputTokens; }
  /** Requests sent again on a fresh connection after their reused connection turned out closed. */
  public long retries() { return retries; }
  /** Per error class, the first distinct messages (at most {@link #MESSAGES_PER_CLASS}), in arrival order. */
  public Map<ErrorClass, List<String>> errorMessages() {
    Map<ErrorClass, List<String>> out = new EnumMap<>(ErrorClass.class);
    errorMessages.forEach((k, v) -> out.put(k, List.copyOf(v)));
    return Collections.unmodifiableMap(out);
  }

  /**
   * When the target could not be reached, as disjoint spans in time order: the pieces every worker
   * reported, joined where they touch or overlap (an outage that lasted several report intervals, or
   * that several workers saw), their failed attempts added.
   */
  public List<UnreachableSpan> unreachable() {
    List<UnreachableSpan> sorted = new ArrayList<>(unreachablePieces);
    sorted.sort(Comparator.comparingLong(UnreachableSpan::startEpochMs));
    List<UnreachableSpan> out = new ArrayList<>();
    for (UnreachableSpan p : sorted) {
      int last = out.size() - 1;
      if (last >= 0 && p.startEpochMs() <= out.get(last).endEpochMs()) {
        UnreachableSpan cur = out.get(last);
        out.set(last, new UnreachableSpan(cur.startEpochMs(), Math.max(cur.endEpochMs(), p.endEpochMs()),
            cur.failedAttempts() + p.failedAttempts()));
      } else {
        out.add(p);
      }
    }
    return Collections.unmodifiableList(out);
  }
  public Set<String> workers() { return Collections.unmodifiableSet(workers); }
  public Set<String> finishedWorkers() { return Collections.unmodifiableSet(finishedWorkers); }
  public List<TimelinePoint> timeline() { return Collections.unmodifiableList(timeline); }
  /** Multi-turn session and trace replay figures (empty for other cells). */
  public TrafficAggregate traffic() { return traffic; }
  /** Epoch-ns send time of the first measured request, or -1. */
  public long firstMeasuredStartNanos() { return firstMeasuredStartNs == Long.MAX_VALUE ? -1 : firstMeasuredStartNs; }
  /** Epoch-ns end of the last measured request, or -1. */
  public long lastMeasuredEndNanos() { return lastMeasuredEndNs == Long.MIN_VALUE ? -1 : lastMeasuredEndNs; }
  public long firstIntervalStartMs() { return firstIntervalStartMs == Long.MAX_VALUE ? -1 : firstIntervalStartMs; }
  public long lastIntervalEndMs() { return lastIntervalEndMs == Long.MIN_VALUE ? -1 : lastIntervalEndMs; }

  /**
   * Seconds that throughput is divided by for a request-count step: from the first measured send to
   * the last measured end. Duration steps use their configured measurement window instead.
   */
  public double measuredSpanSeconds() {
    if (firstMeasuredStartNanos() < 0 || lastMeasuredEndNanos() < 0) return 0;
    return (lastMeasuredEndNanos() - firstMeasuredStartNanos()) / 1e9;
  }
}
