package io.barrage.simulator.engine;

import io.barrage.simulator.Profile;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated GPU(s) of one server: a single scheduling thread that forms batches and runs
 * forward steps against one monotonic clock ({@link System#nanoTime()}), as TGI v3's batching loop
 * does (protocols.md §7). The naive engine is the same loop with a batch size of one: one request
 * at a time, FIFO.
 *
 * <p>Each step: admit queued requests from the front while the KV budget, the prefill budget and
 * the batch size allow (strict head-of-line blocking); the step lasts prefill(new prompts) +
 * decode(running batch); at its deadline every admitted or running request emits one token. Steps
 * are chained deadline to deadline, so the thread's wake-up jitter never accumulates into the
 * simulated timeline; that jitter is recorded as the scheduling lag.
 *
 * <p>Other threads only enqueue submissions and set cancel flags; all engine state belongs to the
 * scheduling thread. Sinks are called on that thread and must not block.
 */
public final class Engine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);
  /** Park until this close to a deadline, then spin: parkNanos overshoots by ~50-100 µs on Linux. */
  private static final long SPIN_WINDOW_NANOS = 80_000;
  /** A step that fired later than this moves the timeline (see {@link #loop()}). */
  private static final long REBASE_NANOS = 250_000_000;

  private final Profile profile;
  private final Profile.Timing timing;
  private final Profile.Limits limits;
  private final int maxBatchSize;
  private final ConcurrentLinkedQueue<Entry> incoming = new ConcurrentLinkedQueue<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean idle;

  // ---- scheduling-thread state
  private final ArrayDeque<Entry> waiting = new ArrayDeque<>();
  private final List<Entry> batch = new ArrayList<>();
  private final List<Entry> admitted = new ArrayList<>();
  private final PriorityQueue<Timed> timers = new PriorityQueue<>();
  private long kvReserved;
  private long lastDeadline = Long.MIN_VALUE;

  // ---- gauges and counters, read by /metrics and SimulatorStats
  private volatile int queueSize;
  private volatile int batchSize;
  private volatile int maxBatchSeen;
  private volatile long batchReservedTokens;
  private final AtomicLong tokensEmitted = new AtomicLong();
  private final AtomicLong prefillSteps = new AtomicLong();
  private final AtomicLong decodeSteps = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong rebases = new AtomicLong();
  private final Recorder lagRecorder = new Recorder(1, 60_000_000_000L, 3);
  private final Histogram lagTotal = new Histogram(1, 60_000_000_000L, 3);

  public Engine(Profile profile, String threadName) {
    this.profile = profile;
    this.timing = profile.timing();
    this.limits = profile.limits();
    this.maxBatchSize = profile.engine() == Profile.EngineKind.NAIVE ? 1 : Math.max(1, limits.maxBatchSize());
    this.thread = new Thread(this::loop, threadName);
    thread.setDaemon(true);
    thread.setPriority(Thread.MAX_PRIORITY);
    thread.start();
  }

  /** Handle on a submitted request: cancel it when its client goes away. */
  public interface Handle {
    void cancel();
  }

  /** Queues a request that arrived at {@code arrivalNanos}; its progress goes to {@code sink}. */
  public Handle submit(GenRequest request, long arrivalNanos, TokenSink sink) {
    Entry e = new Entry(request, sink, arrivalNanos + profile.scaledNanos(timing.validationMicros()));
    incoming.add(e);
    if (idle) LockSupport.unpark(thread);
    return e;
  }

  public int queueSize() { return queueSize; }
  public int batchSize() { return batchSize; }
  /** The largest running batch so far. */
  public int maxBatchSize() { return maxBatchSeen; }
  public long batchReservedTokens() { return batchReservedTokens; }
  public long tokensEmitted() { return tokensEmitted.get(); }
  public long prefillSteps() { return prefillSteps.get(); }
  public long decodeSteps() { return decodeSteps.get(); }
  public long droppedRequests() { return dropped.get(); }
  /** Steps that fired so late that the timeline was moved rather than caught up. */
  public long rebases() { return rebases.get(); }

  /** Cumulative scheduling lag (ns by which steps fired after their deadline) since start. */
  public synchronized Histogram schedulingLag() {
    lagTotal.add(lagRecorder.getIntervalHistogram());
    return lagTotal.copy();
  }

  /** Forgets the scheduling lag recorded so far (a benchmark measures one phase at a time). */
  public synchronized void resetSchedulingLag() {
    lagRecorder.getIntervalHistogram();
    lagTotal.reset();
  }

  @Override
  public void close() {
    running = false;
    LockSupport.unpark(thread);
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------ scheduling thread

  private void loop() {
    try {
      while (running) {
        drainIncoming();
        long now = System.nanoTime();
        fireTimers(now);
        if (batch.isEmpty() && waiting.isEmpty()) {
          waitIdle();
          continue;
        }
        long start;
        if (batch.isEmpty()) {
          Entry head = firstLive();
          if (head == null) continue;
          start = Math.max(lastDeadline, head.readyAt);
          if (start > now) {
            // the head is still being validated: sleep until it is ready (or something else happens)
            sleepUntil(Math.min(start, nextTimer()), true);
            continue;
          }
        } else {
          start = lastDeadline;
        }
        long deadline = planStep(start);
        sleepUntil(deadline, false);
        long woke = System.nanoTime();
        long lag = woke - deadline;
        lagRecorder.recordValue(Math.max(1, lag));
        // Lag from CPU contention is absorbed: the next step still starts at this deadline, so the
        // simulated GPU keeps its rate and tokens are only ever late, never early. A long stall (a
        // GC pause, a suspended process) moves the timeline instead of firing a long burst.
        lastDeadline = lag > REBASE_NANOS ? woke : deadline;
        if (lag > REBASE_NANOS) rebases.incrementAndGet();
        emitStep(deadline);
      }
    } catch (Throwable t) {
      log.error("simulator engine {} stopped: {}", profile.name(), t.toString(), t);
    } finally {
      failEverything();
    }
  }

  private void drainIncoming() {
    Entry e;
    while ((e = incoming.poll()) != null) {
      waiting.addLast(e);
    }
    queueSize = waiting.size();
  }

  private Entry firstLive() {
    while (!waiting.isEmpty() && waiting.peekFirst().cancelled) {
      waiting.pollFirst();
      dropped.incrementAndGet();
    }
    return waiting.peekFirst();
  }

  /** Admits what fits (FIFO, head-of-line blocking) and returns the step's deadline. */
  private long planStep(long start) {
    admitted.clear();
    long prefillTokens = 0;
    while (batch.size() + admitted.size() < maxBatchSize) {
      Entry head = firstLive();
      if (head == null || head.readyAt > start) break;
      long reserve = head.request.reserveTokens();
      if (kvReserved + reserve > limits.maxBatchTotalTokens() && !(batch.isEmpty() && admitted.isEmpty())) break;
      if (prefillTokens > 0 && prefillTokens + head.request.inputTokens() > limits.maxBatchPrefillTokens()) break;
      waiting.pollFirst();
      kvReserved += reserve;
      prefillTokens += head.request.inputTokens();
      admitted.add(head);
      head.sink.onAdmitted(start);
    }
    queueSize = waiting.size();
    long kvHeld = 0;
    for (Entry e : batch) kvHeld += e.request.inputTokens() + e.generated;
    double micros = timing.prefillMicros(prefillTokens) + timing.decodeMicros(batch.size(), kvHeld);
    if (prefillTokens > 0) prefillSteps.incrementAndGet();
    if (!batch.isEmpty()) decodeSteps.incrementAndGet();
    batch.addAll(admitted);
    batchSize = batch.size();
    if (batchSize > maxBatchSeen) maxBatchSeen = batchSize;
    batchReservedTokens = kvReserved;
    return start + Math.max(1, profile.scaledNanos(micros));
  }

  private void emitStep(long deadline) {
    Iterator<Entry> it = batch.iterator();
    while (it.hasNext()) {
      Entry e = it.next();
      if (e.cancelled) {
        release(e);
        it.remove();
        dropped.incrementAndGet();
        continue;
      }
      GenRequest.RequestFaults f = e.request.faults();
      if (f.failAtOnce()) {
        release(e);
        it.remove();
        e.sink.onError("Request failed during generation: simulated shard failure", "generation", System.nanoTime());
        continue;
      }
      if (e.stallUntil > deadline) continue;
      int index = ++e.generated;
      boolean last = index >= e.request.outputTokens();
      Token token = Vocabulary.next(e.rnd, index, last, e.request.endsWithEos());
      e.sink.onToken(token, System.nanoTime());
      tokensEmitted.incrementAndGet();
      if (!last && index == f.errorAfter()) {
        release(e);
        it.remove();
        e.sink.onError("Request failed during generation: simulated error after token " + index, "generation", System.nanoTime());
      } else if (!last && index == f.disconnectAfter()) {
        release(e);
        it.remove();
        e.sink.onError("simulated disconnect", TokenSink.DISCONNECT, System.nanoTime());
      } else if (last) {
        release(e);
        it.remove();
        long tail = profile.scaledNanos(timing.tailMicros());
        if (tail <= 0) {
          e.sink.onFinished(System.nanoTime());
        } else {
          TokenSink sink = e.sink;
          timers.add(new Timed(deadline + tail, () -> sink.onFinished(System.nanoTime())));
        }
      } else if (index == f.stallAfter()) {
        e.stallUntil = deadline + f.stallNanos();
      }
    }
    batchSize = batch.size();
    batchReservedTokens = kvReserved;
  }

  private void release(Entry e) {
    kvReserved -= e.request.reserveTokens();
  }

  private long nextTimer() {
    Timed t = timers.peek();
    return t == null ? Long.MAX_VALUE : t.due;
  }

  private void fireTimers(long now) {
    while (!timers.isEmpty() && timers.peek().due <= now) {
      timers.poll().action.run();
    }
  }

  private void waitIdle() {
    idle = true;
    try {
      if (incoming.isEmpty() && running) {
        long next = nextTimer();
        if (next == Long.MAX_VALUE) {
          LockSupport.parkNanos(50_000_000L);
        } else {
          sleepUntil(next, true);
        }
      }
    } finally {
      idle = false;
    }
  }

  /**
   * Sleeps until {@code deadline}: parks until just before it, then spins. Timers that fall due
   * before the deadline fire on the way. When {@code wakeOnArrival}, a new submission ends the wait.
   */
  private void sleepUntil(long deadline, boolean wakeOnArrival) {
    if (wakeOnArrival) idle = true;
    try {
      while (running) {
        long now = System.nanoTime();
        fireTimers(now);
        if (wakeOnArrival && !incoming.isEmpty()) return;
        long target = Math.min(deadline, nextTimer());
        long left = target - now;
        if (left <= 0) {
          if (target >= deadline) return;
          continue;
        }
        if (left > SPIN_WINDOW_NANOS) {
          LockSupport.parkNanos(left - SPIN_WINDOW_NANOS);
        } else {
          Thread.onSpinWait();
        }
      }
    } finally {
      if (wakeOnArrival) idle = false;
    }
  }

  private void failEverything() {
    long now = System.nanoTime();
    for (Entry e : batch) e.sink.onError("Incomplete generation stream", "incomplete_generation_stream", now);
    for (Entry e : waiting) e.sink.onError("Incomplete generation stream", "incomplete_generation_stream", now);
    Entry e;
    while ((e = incoming.poll()) != null) e.sink.onError("Incomplete generation stream", "incomplete_generation_stream", now);
    for (Timed t : timers) t.action.run();
    batch.clear();
    waiting.clear();
    timers.clear();
  }

  private static final class Entry implements Handle {
    final GenRequest request;
    final TokenSink sink;
    final long readyAt;
    final SplittableRandom rnd;
    int generated;
    long stallUntil;
    volatile boolean cancelled;

    Entry(GenRequest request, TokenSink sink, long readyAt) {
      this.request = request;
      this.sink = sink;
      this.readyAt = readyAt;
      this.rnd = new SplittableRandom(request.seed());
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }

  private record Timed(long due, Runnable action) implements Comparable<Timed> {
    @Override
    public int compareTo(Timed o) {
      return Long.compare(due, o.due);
    }
  }
}
