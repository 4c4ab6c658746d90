package io.barrage.simulator.engine;

import io.barrage.common.os.ThreadPriority;
import io.barrage.simulator.Profile;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated GPU(s) of one server: a single scheduling loop that forms batches and runs forward
 * steps against one {@link SimClock}, as TGI v3's batching loop does (docs/protocols.md §8). The naive
 * engine is the same loop with a batch size of one: one request at a time, FIFO.
 *
 * <p>Two ways to run it, same loop: {@link #Engine(Profile, String)} starts a scheduling thread on
 * the {@link RealClock} (a live server: the thread parks until each deadline);
 * {@link #virtual(Profile, VirtualClock)} makes an engine without a thread whose loop the caller
 * runs with {@link #runUntilIdle()}, time jumping from deadline to deadline (a discrete-event
 * simulation: exact, repeatable, as fast as the CPU allows; see {@link OfflineRun}).
 *
 * <p>Each step ({@link Batcher} holds the queue and the batch and decides what a step does): admit
 * queued requests from the front while the KV budget, the prefill budget and the batch size allow
 * (strict head-of-line blocking); the step lasts prefill(new prompts) + decode(running batch); at
 * its deadline every admitted or running request emits one token. This class keeps time: steps
 * are chained deadline to deadline, so the thread's wake-up jitter never accumulates into the
 * simulated timeline; that jitter is recorded as the scheduling lag.
 *
 * <p>As in TGI v3 (docs/protocols.md §8), a request reserves KV for one segment of at most 1024
 * new tokens; when a segment ends and more was asked for, the request leaves the batch, frees its
 * KV and is queued again at the back, then prefilled again (only its last token: the rest is a
 * prefix-cache hit). An injected shard failure fails every request of the forward it strikes.
 *
 * <p>Other threads only enqueue submissions and set cancel flags; all engine state belongs to the
 * scheduling thread. Sinks are called on that thread and must not block.
 */
public final class Engine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);
  /** A step that fired later than this moves the timeline (see {@link #turn()}). */
  private static final long REBASE_NANOS = 250_000_000;

  private final Profile profile;
  private final Profile.Timing timing;
  private final Batcher batcher;
  private final EngineTelemetry telemetry = new EngineTelemetry();
  private volatile SimClock clock;
  private final boolean realtime;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean idle;

  // ---- scheduling-thread state
  private final PriorityQueue<Timed> timers = new PriorityQueue<>();
  private long timerSeq;
  private boolean failed;
  private long lastDeadline = Long.MIN_VALUE;

  // ---- read by /metrics and SimulatorStats (the batch's gauges are the batcher's)
  private final AtomicLong rebases = new AtomicLong();
  private final Recorder lagRecorder = new Recorder(1, 60_000_000_000L, 3);
  private final Histogram lagTotal = new Histogram(1, 60_000_000_000L, 3);
  private volatile Runnable afterEmit;

  /** A live engine: starts its scheduling thread on the {@link RealClock}. */
  public Engine(Profile profile, String threadName) {
    this(profile, RealClock.INSTANCE, threadName, false);
  }

  /**
   * A live engine whose scheduling thread asks, when {@code realtime}, for the SCHED_FIFO policy
   * ({@link ThreadPriority}, priority 2: above event loops that are real-time too): on a machine
   * whose cores are busy (the simulator's own socket work, a load generator on the same host) it
   * then wakes at each step's deadline instead of waiting for a CPU. Without the privilege it stays
   * an ordinary thread and says so once.
   */
  public Engine(Profile profile, String threadName, boolean realtime) {
    this(profile, RealClock.INSTANCE, threadName, realtime);
  }

  private Engine(Profile profile, SimClock clock, String threadName, boolean realtime) {
    this.realtime = realtime;
    this.profile = profile;
    this.timing = profile.timing();
    this.batcher = new Batcher(profile, (due, action) -> timers.add(new Timed(due, timerSeq++, action)), telemetry);
    this.clock = clock;
    if (threadName == null) {
      this.thread = null;
    } else {
      this.thread = new Thread(this::loop, threadName);
      thread.setDaemon(true);
      thread.setPriority(Thread.MAX_PRIORITY);
      thread.start();
    }
  }

  /**
   * An engine on virtual time, without a thread: submit requests, then call {@link #runUntilIdle()}
   * on the same thread. Sinks are called on that thread at the virtual instants of their events and
   * may submit further requests or {@link #at schedule} actions (a closed-loop client).
   */
  public static Engine virtual(Profile profile, VirtualClock clock) {
    return new Engine(profile, clock, null, false);
  }

  /** The clock this engine runs against. */
  public SimClock clock() {
    return clock;
  }

  /** Handle on a submitted request: cancel it when its client goes away. */
  public interface Handle {
    void cancel();
  }

  /** Queues a request that arrived at {@code arrivalNanos}; its progress goes to {@code sink}. */
  public Handle submit(GenRequest request, long arrivalNanos, TokenSink sink) {
    Batcher.Entry e = new Batcher.Entry(request, sink, arrivalNanos + profile.scaledNanos(timing.validationMicros()));
    batcher.offer(e);
    if (idle && thread != null) LockSupport.unpark(thread);
    return e;
  }

  /**
   * Virtual engines only: runs {@code action} on the loop's thread at virtual instant
   * {@code dueNanos} (a client's think time, a staggered start). Actions due at the same instant
   * run in the order they were scheduled.
   */
  public void at(long dueNanos, Runnable action) {
    if (!clock.isVirtual()) throw new IllegalStateException("at(...) is for virtual engines; a live engine's timers belong to its thread");
    timers.add(new Timed(dueNanos, timerSeq++, action));
  }

  /**
   * Virtual engines only: runs the scheduling loop on the calling thread until nothing is queued,
   * running or scheduled, and returns the virtual instant it stopped at.
   */
  public long runUntilIdle() {
    if (!clock.isVirtual()) throw new IllegalStateException("runUntilIdle() is for virtual engines");
    while (running && turn()) {
      // each turn plans and emits one step, or jumps to the next timer
    }
    return clock.now();
  }

  public int queueSize() { return batcher.queueSize; }
  public int batchSize() { return batcher.batchSize; }
  /** The largest running batch so far. */
  public int maxBatchSize() { return batcher.maxBatchSeen; }
  public long batchReservedTokens() { return batcher.batchReservedTokens; }
  public long tokensEmitted() { return batcher.tokensEmitted.get(); }
  public long prefillSteps() { return batcher.prefillSteps.get(); }
  public long decodeSteps() { return batcher.decodeSteps.get(); }
  public long droppedRequests() { return batcher.dropped.get(); }
  /** Phase durations, busy time and step counts for the stacks' metric names (docs/telemetry.md). */
  public EngineTelemetry telemetry() { return telemetry; }
  /** Steps that fired so late that the timeline was moved rather than caught up. */
  public long rebases() { return rebases.get(); }

  /** Cumulative scheduling lag (ns by which steps fired after their deadline) since start. */
  public synchronized Histogram schedulingLag() {
    lagTotal.add(lagRecorder.getIntervalHistogram());
    return lagTotal.copy();
  }

  /**
   * Live engines: {@code hook} runs on the scheduling thread after each batch of sink calls (a
   * step's tokens, timers that fired). A sink that only queues its work (the HTTP layer hands token
   * events to its event loops) uses it to wake the consumers once per step instead of once per
   * token.
   */
  public void afterEmit(Runnable hook) {
    this.afterEmit = hook;
  }

  private void emitted() {
    Runnable h = afterEmit;
    if (h != null) h.run();
  }

  /** Forgets the scheduling lag recorded so far (a benchmark measures one phase at a time). */
  public synchronized void resetSchedulingLag() {
    lagRecorder.getIntervalHistogram();
    lagTotal.reset();
  }

  @Override
  public void close() {
    running = false;
    if (thread == null) {
      failEverything();
      return;
    }
    LockSupport.unpark(thread);
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------ scheduling thread

  private void loop() {
    if (realtime) {
      if (ThreadPriority.realtimeCurrentThread(2)) {
        clock = RealClock.PARKING;
        log.debug("simulator engine {}: real-time scheduling thread", profile.name());
      } else {
        log.info("simulator engine {}: no real-time scheduling here (needs CAP_SYS_NICE and chrt); an ordinary thread "
            + "keeps the clock, so its lag grows when the CPU is short", profile.name());
      }
    }
    try {
      while (running) {
        turn();
      }
    } catch (Throwable t) {
      log.error("simulator engine {} stopped: {}", profile.name(), t.toString(), t);
    } finally {
      failEverything();
      emitted();
    }
  }

  /**
   * One pass of the scheduling loop: plans a step, waits for its deadline and emits its tokens
   * (or waits for the head of the queue, a timer or an arrival). Returns false when the engine is
   * idle and nothing can arrive (virtual time only).
   */
  private boolean turn() {
    batcher.drainIncoming();
    long now = clock.now();
    fireTimers(now);
    if (batcher.isIdle()) {
      return waitIdle();
    }
    long start;
    if (!batcher.isRunning()) {
      Batcher.Entry head = batcher.firstLive();
      if (head == null) return true;
      start = Math.max(lastDeadline, head.readyAt);
      if (start > now) {
        // the head is still being validated: sleep until it is ready (or something else happens)
        sleepUntil(Math.min(start, nextTimer()), true);
        return true;
      }
    } else {
      start = lastDeadline;
    }
    long deadline = batcher.planStep(start);
    sleepUntil(deadline, false);
    long woke = clock.now();
    long lag = woke - deadline;
    lagRecorder.recordValue(Math.max(1, lag));
    // Lag from CPU contention is absorbed: the next step still starts at this deadline, so the
    // simulated GPU keeps its rate and tokens are only ever late, never early. A long stall (a
    // GC pause, a suspended process) moves the timeline instead of firing a long burst. On a
    // virtual clock the lag is always zero.
    lastDeadline = lag > REBASE_NANOS ? woke : deadline;
    if (lag > REBASE_NANOS) rebases.incrementAndGet();
    batcher.emitStep(deadline, clock);
    emitted();
    return true;
  }

  private long nextTimer() {
    Timed t = timers.peek();
    return t == null ? Long.MAX_VALUE : t.due;
  }

  private void fireTimers(long now) {
    boolean fired = false;
    while (!timers.isEmpty() && timers.peek().due <= now) {
      timers.poll().action.run();
      fired = true;
    }
    if (fired) emitted();
  }

  /** Nothing queued or running: waits for the next timer or an arrival; false when none can come. */
  private boolean waitIdle() {
    idle = true;
    try {
      if (batcher.hasArrivals() || !running) return true;
      long next = nextTimer();
      if (next != Long.MAX_VALUE) {
        sleepUntil(next, true);
        return true;
      }
      return clock.waitForArrival();
    } finally {
      idle = false;
    }
  }

  /**
   * Lets time pass until {@code deadline}, firing timers that fall due on the way. When
   * {@code wakeOnArrival}, a new submission ends the wait.
   */
  private void sleepUntil(long deadline, boolean wakeOnArrival) {
    if (wakeOnArrival) idle = true;
    try {
      while (running) {
        long now = clock.now();
        fireTimers(now);
        if (wakeOnArrival && batcher.hasArrivals()) return;
        long target = Math.min(deadline, nextTimer());
        if (target <= now) {
          if (target >= deadline) return;
          continue;
        }
        clock.waitUntil(target);
      }
    } finally {
      if (wakeOnArrival) idle = false;
    }
  }

  private void failEverything() {
    if (failed) return;
    failed = true;
    batcher.failAll(clock.now());
    for (Timed t : timers) t.action.run();
    timers.clear();
  }

  /** A timed action; {@code seq} keeps actions due at the same instant in scheduling order. */
  private record Timed(long due, long seq, Runnable action) implements Comparable<Timed> {
    @Override
    public int compareTo(Timed o) {
      int c = Long.compare(due, o.due);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
