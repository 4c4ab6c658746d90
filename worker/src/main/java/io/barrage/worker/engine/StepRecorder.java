package io.barrage.worker.engine;

import io.barrage.protocol.metrics.ErrorClass;
import io.barrage.protocol.metrics.Histograms;
import io.barrage.protocol.metrics.IntervalCounters;
import io.barrage.protocol.metrics.IntervalReport;
import io.barrage.protocol.metrics.Metric;
import io.barrage.protocol.metrics.UnreachableSpan;
import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.scenario.GoodputThresholds;
import io.barrage.worker.client.RequestTrace;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.StampedLock;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Turns finished {@link RequestTrace}s into the metrics of the design (one HdrHistogram {@link
 * Recorder} per metric, microseconds) and counters, and cuts them into interval reports. Writers
 * (the stream stages that finish requests) never block each other; {@link #drain} is called by one
 * thread at a time. Plain Java: usable and testable without an ActorSystem.
 *
 * <p>Failed requests are counted by class and never reach a latency histogram. Requests that
 * started during the warmup are counted as {@code warmupRequests} and nothing else.
 *
 * <p>Connections: each new connection of a measured request is a {@code connect} sample. Whether the
 * target can be reached is followed over every request, warm-up or not: a failed connection attempt
 * starts an unreachable span, the next successful connect ends it; each interval report carries the
 * spans (an ongoing one cut at the interval's end and continued in the next) and their failed
 * attempts. The first few distinct error messages of each class go out once each, cleaned by
 * {@link ErrorText}.
 *
 * <p>One interval report is one consistent cut: a request is counted in the same interval as its
 * histogram samples. Writers share a read lock while they book a request; {@link #drain} takes the
 * write lock only to swap the recorders and read the counters (encoding happens after). Without it a
 * request booked during a drain could be counted {@code ok} in one report and have its samples in the
 * next, which never arrives when the worker dies.
 */
public final class StepRecorder {
  private final String workerId;
  private final String cellId;
  private final EnumMap<Metric, Recorder> recorders = new EnumMap<>(Metric.class);
  private final EnumMap<Metric, Histogram> recycled = new EnumMap<>(Metric.class);
  private final LongAdder started = new LongAdder();
  private final LongAdder ok = new LongAdder();
  private final ConcurrentHashMap<ErrorClass, LongAdder> errors = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
  private final LongAdder outputTokens = new LongAdder();
  private final LongAdder clientTokens = new LongAdder();
  private final LongAdder clientCounted = new LongAdder();
  private final LongAdder mismatches = new LongAdder();
  private final LongAdder arrived = new LongAdder();
  private final LongAdder clamped = new LongAdder();
  private final LongAdder warmup = new LongAdder();
  private final LongAccumulator firstStart = new LongAccumulator(Math::min, Long.MAX_VALUE);
  private final LongAccumulator lastEnd = new LongAccumulator(Math::max, Long.MIN_VALUE);
  private final LongAdder retries = new LongAdder();
  private final LongAdder goodRequests = new LongAdder();
  private final LongAdder goodTokens = new LongAdder();
  private final GoodputThresholds goodput;
  private final AtomicLong sequence = new AtomicLong();
  // reachability (guarded by spans)
  private final List<UnreachableSpan> spans = new ArrayList<>();
  private long unreachableSince = -1;
  private long failedAttempts;
  // error messages (guarded by messagesSeen)
  private final Map<ErrorClass, Set<String>> messagesSeen = new EnumMap<>(ErrorClass.class);
  private final Map<ErrorClass, List<String>> messagesNew = new EnumMap<>(ErrorClass.class);
  private volatile UnaryOperator<String> redact = UnaryOperator.identity();
  private final long epochNanosAtAnchor;
  private final long nanoAnchor;
  private volatile long intervalStartMs;
  private final StampedLock cut = new StampedLock();

  public StepRecorder(String workerId, String cellId) {
    this(workerId, cellId, null);
  }

  /** @param goodput the per-request thresholds a good request meets, or null (no goodput counted) */
  public StepRecorder(String workerId, String cellId, GoodputThresholds goodput) {
    this.workerId = workerId;
    this.cellId = cellId;
    this.goodput = goodput;
    for (Metric m : Metric.values()) recorders.put(m, new Recorder(Histograms.LOWEST_US, Histograms.HIGHEST_US, Histograms.DIGITS));
    this.nanoAnchor = System.nanoTime();
    this.epochNanosAtAnchor = System.currentTimeMillis() * 1_000_000L;
    this.intervalStartMs = System.currentTimeMillis();
  }

  /** Wall-clock epoch nanoseconds of a {@code System.nanoTime()} instant. */
  public long epochNanos(long nanoTime) {
    return epochNanosAtAnchor + (nanoTime - nanoAnchor);
  }

  /**
   * Starts the first interval at {@code epochMs}, the instant the step really starts sending (for a
   * ramp: so the first report tells the coordinator when this worker's part of the ramp began).
   * Called before the first drain; an interval never starts after its end.
   */
  public void firstIntervalStartsAt(long epochMs) {
    intervalStartMs = epochMs;
  }

  /** Removes the target's credential from error messages (the step's auth header, when it has one). */
  public void redactWith(UnaryOperator<String> r) {
    redact = r;
  }

  /** Counts a measured request's tokens in the interval they arrive (call before it is sent). */
  public void watchArrivals(RequestTrace t) {
    if (t.measured) t.countArrivalsInto(arrived);
  }

  /** A request went out (measured or not), or failed before it could. */
  public void sent(RequestTrace t) {
    started.increment();
  }

  /** A request opened a new connection ({@code connectStart}..{@code connectEnd}): the target is reachable. */
  public void connected(RequestTrace t) {
    reachable(t.connectEnd);
    if (t.measured) record(Metric.CONNECT, t.connectEnd - t.connectStart);
  }

  /** The target was reachable at {@code nanos}: an open unreachable span that started before ends there. */
  private void reachable(long nanos) {
    synchronized (spans) {
      if (unreachableSince >= 0 && nanos >= unreachableSince) {
        spans.add(span(unreachableSince, nanos, failedAttempts));
        unreachableSince = -1;
        failedAttempts = 0;
      }
    }
  }

  private UnreachableSpan span(long fromNanos, long toNanos, long attempts) {
    return new UnreachableSpan(epochNanos(fromNanos) / 1_000_000L, epochNanos(toNanos) / 1_000_000L, attempts);
  }

  /**
   * A request ended (successfully or not). The send lag ({@code tSend − tSched}) is recorded here,
   * once the request's last attempt is known, for every measured request that was written.
   */
  public void finished(RequestTrace t) {
    long stamp = cut.readLock();
    try {
      book(t);
    } finally {
      cut.unlockRead(stamp);
    }
  }

  private void book(RequestTrace t) {
    if (t.error == ErrorClass.CONNECT) {
      synchronized (spans) {
        if (unreachableSince < 0) unreachableSince = t.tEnd;
        failedAttempts++;
      }
    }
    // a transport that reports no connect events (the https pool): an answer proves the target was there
    else if (t.httpStatus > 0 && t.tSend >= 0) reachable(t.tSend);
    if (t.error != null) message(t.error, t.errorDetail);
    if (!t.measured) {
      warmup.increment();
      return;
    }
    if (t.tSend >= 0) record(Metric.SEND_LAG, t.tSend - t.tSched);
    if (t.retries > 0) retries.add(t.retries);
    firstStart.accumulate(epochNanos(t.tSend >= 0 ? t.tSend : t.tEnd));
    lastEnd.accumulate(epochNanos(t.tEnd));
    if (!t.ok()) {
      errors.computeIfAbsent(t.error, k -> new LongAdder()).increment();
      if (t.error == ErrorClass.HTTP_STATUS) statuses.computeIfAbsent(t.httpStatus, k -> new LongAdder()).increment();
      return;
    }
    ok.increment();
    int n = t.outputTokens();
    outputTokens.add(n);
    if (t.clientTokens >= 0) {
      clientTokens.add(t.clientTokens);
      clientCounted.increment();
      if (t.serverTokens >= 0 && t.serverTokens != t.clientTokens) mismatches.increment();
    }
    // a count the client only learns at the end (OpenAI usage over multi-token chunks) arrives then
    if (n > t.carriedTokens()) arrived.add(n - t.carriedTokens());
    record(Metric.E2E_END, t.tEnd - t.tSend);
    if (goodput != null && isGood(t, n)) {
      goodRequests.increment();
      goodTokens.add(n);
    }
    if (t.serverTpotUs >= 0) recordMicros(Metric.SERVER_TPOT, t.serverTpotUs, 1);
    if (t.queueUs >= 0) recordMicros(Metric.QUEUE, t.queueUs, 1);
    if (t.tFirst < 0) return; // no token at all: only the end-to-end time exists
    record(Metric.TTFT, t.tFirst - t.tSend);
    record(Metric.TTFT_SCHED, t.tFirst - t.tSched);
    long e2e = t.tLast - t.tSend;
    record(Metric.E2E, e2e);
    if (n > 0) record(Metric.NTPOT, e2e / n);
    if (n > 0 && e2e > 0) recordRate(Math.max(1, Math.round(n * Metric.MILLI * 1e9 / e2e)));
    // TPOT needs per-token timing: a whole-text response (one event carrying every token) has none
    if (n > 1 && t.events() > 1) record(Metric.TPOT, (t.tLast - t.tFirst) / (n - 1));
    int events = t.events();
    if (events > 1) {
      int[] k = t.tokensPerEvent();
      Recorder itl = recorders.get(Metric.ITL);
      for (int i = 1; i < events; i++) {
        if (k[i] <= 0) continue;
        long gap = t.eventTime(i) - t.eventTime(i - 1);
        long us = clampCount(gap / k[i] / 1000);
        itl.recordValueWithCount(us, k[i]);
      }
    }
  }

  /**
   * Whether a successful request met the per-request thresholds, on the same figures its histogram
   * samples use: TTFT and e2e from the send, TPOT over the tokens after the first (only with per-token
   * timing), e2e to the last token (to the end of the response when no token arrived).
   */
  private boolean isGood(RequestTrace t, int n) {
    long ttft = t.tFirst < 0 ? -1 : t.tFirst - t.tSend;
    long e2e = t.tFirst < 0 ? t.tEnd - t.tSend : t.tLast - t.tSend;
    long tpot = t.tFirst >= 0 && n > 1 && t.events() > 1 ? (t.tLast - t.tFirst) / (n - 1) : -1;
    return goodput.good(ttft, tpot, e2e);
  }

  private void message(ErrorClass cls, String detail) {
    String m = ErrorText.clean(detail, redact);
    if (m == null) return;
    synchronized (messagesSeen) {
      Set<String> seen = messagesSeen.computeIfAbsent(cls, k -> new LinkedHashSet<>());
      if (seen.size() < CellAggregate.MESSAGES_PER_CLASS && seen.add(m)) messagesNew.computeIfAbsent(cls, k -> new ArrayList<>()).add(m);
    }
  }

  private void record(Metric m, long nanos) {
    recorders.get(m).recordValue(clampCount(nanos / 1000));
  }

  private void recordMicros(Metric m, long micros, long count) {
    recorders.get(m).recordValueWithCount(clampCount(micros), count);
  }

  /** A per-request rate in milli-tokens per second. */
  private void recordRate(long milliTokensPerSecond) {
    recorders.get(Metric.PER_REQUEST_THROUGHPUT).recordValue(clampCount(milliTokensPerSecond));
  }

  private long clampCount(long micros) {
    if (Histograms.isOverRange(micros)) clamped.increment();
    return Histograms.clamp(micros);
  }

  /**
   * Closes the current interval and returns it; the sequence increases by one per call.
   *
   * @param inFlight the in-flight gauge at the end of the interval
   * @param last whether this is the final report of the step
   */
  public synchronized IntervalReport drain(int inFlight, boolean last) {
    long stamp = cut.writeLock();
    try {
      return cutInterval(inFlight, last);
    } finally {
      cut.unlockWrite(stamp);
    }
  }

  private IntervalReport cutInterval(int inFlight, boolean last) {
    Map<Metric, byte[]> hist = new EnumMap<>(Metric.class);
    for (Map.Entry<Metric, Recorder> e : recorders.entrySet()) {
      Histogram h = e.getValue().getIntervalHistogram(recycled.get(e.getKey()));
      recycled.put(e.getKey(), h);
      if (h.getTotalCount() > 0) hist.put(e.getKey(), Histograms.encode(h));
    }
    Map<ErrorClass, Long> errs = new EnumMap<>(ErrorClass.class);
    errors.forEach((k, v) -> {
      long n = v.sumThenReset();
      if (n > 0) errs.put(k, n);
    });
    Map<Integer, Long> st = new HashMap<>();
    statuses.forEach((k, v) -> {
      long n = v.sumThenReset();
      if (n > 0) st.put(k, n);
    });
    long first = firstStart.getThenReset();
    long lastEndNs = lastEnd.getThenReset();
    List<UnreachableSpan> unreachable;
    synchronized (spans) {
      if (unreachableSince >= 0) { // still unreachable: this interval's piece ends now, the next goes on from here
        long nowNanos = System.nanoTime();
        spans.add(span(unreachableSince, Math.max(unreachableSince, nowNanos), failedAttempts));
        unreachableSince = Math.max(unreachableSince, nowNanos);
        failedAttempts = 0;
      }
      unreachable = List.copyOf(spans);
      spans.clear();
    }
    Map<ErrorClass, List<String>> messages = new EnumMap<>(ErrorClass.class);
    synchronized (messagesSeen) {
      messagesNew.forEach((k, v) -> messages.put(k, List.copyOf(v)));
      messagesNew.clear();
    }
    IntervalCounters c = new IntervalCounters(
        started.sumThenReset(), ok.sumThenReset(), errs, st, outputTokens.sumThenReset(), clientTokens.sumThenReset(),
        mismatches.sumThenReset(), clamped.sumThenReset(), inFlight, warmup.sumThenReset(),
        first == Long.MAX_VALUE ? -1 : first, lastEndNs == Long.MIN_VALUE ? -1 : lastEndNs,
        retries.sumThenReset(), unreachable, messages, clientCounted.sumThenReset(), arrived.sumThenReset(),
        goodRequests.sumThenReset(), goodTokens.sumThenReset());
    long now = System.currentTimeMillis();
    long start = Math.min(intervalStartMs, now);
    intervalStartMs = now;
    return new IntervalReport(workerId, cellId, sequence.getAndIncrement(), start, now, hist, c, last);
  }
}
