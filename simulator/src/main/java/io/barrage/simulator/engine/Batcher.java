package io.barrage.simulator.engine;

import io.barrage.simulator.ErrorKind;
import io.barrage.simulator.Profile;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The batching state of one {@link Engine}: the queue, the running batch and its KV reservations,
 * and the two halves of a forward step, as TGI v3's batching loop runs them (docs/protocols.md §8):
 * {@link #planStep} admits queued requests from the front while the KV budget, the prefill budget
 * and the batch size allow (strict head-of-line blocking) and prices the step;
 * {@link #emitStep} gives every request of the batch its token at the step's deadline and applies
 * what follows (finish and tail, injected faults, the end of a 1024-token segment). The engine's
 * loop decides when; this class decides what.
 *
 * <p>Only {@link #offer} and {@link #hasArrivals} may be called from other threads; everything
 * else belongs to the engine's scheduling thread.
 */
final class Batcher {
  /** Schedules an action at a (simulated) instant on the engine's loop. */
  interface Timers {
    void at(long dueNanos, Runnable action);
  }

  private final Profile profile;
  private final Profile.Timing timing;
  private final Profile.Limits limits;
  private final int maxBatchSize;
  private final Timers timers;
  private final EngineTelemetry telemetry;
  private final ConcurrentLinkedQueue<Entry> incoming = new ConcurrentLinkedQueue<>();

  // ---- scheduling-thread state
  private final ArrayDeque<Entry> waiting = new ArrayDeque<>();
  private final List<Entry> batch = new ArrayList<>();
  private final List<Entry> admitted = new ArrayList<>();
  private final List<Entry> continuing = new ArrayList<>();
  private long kvReserved;

  // ---- gauges and counters, read by /metrics and SimulatorStats
  volatile int queueSize;
  volatile int batchSize;
  volatile int maxBatchSeen;
  volatile long batchReservedTokens;
  final AtomicLong tokensEmitted = new AtomicLong();
  final AtomicLong prefillSteps = new AtomicLong();
  final AtomicLong decodeSteps = new AtomicLong();
  final AtomicLong dropped = new AtomicLong();

  Batcher(Profile profile, Timers timers, EngineTelemetry telemetry) {
    this.profile = profile;
    this.telemetry = telemetry;
    this.timing = profile.timing();
    this.limits = profile.limits();
    this.maxBatchSize = profile.engine() == Profile.EngineKind.NAIVE ? 1 : Math.max(1, limits.maxBatchSize());
    this.timers = timers;
  }

  /** Any thread: a request arrived. */
  void offer(Entry e) {
    incoming.add(e);
  }

  /** Any thread: arrivals not yet queued. */
  boolean hasArrivals() {
    return !incoming.isEmpty();
  }

  /** Moves arrivals to the back of the queue. */
  void drainIncoming() {
    Entry e;
    while ((e = incoming.poll()) != null) {
      waiting.addLast(e);
    }
    queueSize = waiting.size();
  }

  /** Nothing queued and nothing running. */
  boolean isIdle() {
    return batch.isEmpty() && waiting.isEmpty();
  }

  /** A batch is running. */
  boolean isRunning() {
    return !batch.isEmpty();
  }

  /** The head of the queue, after dropping requests cancelled while they waited. */
  Entry firstLive() {
    while (!waiting.isEmpty() && waiting.peekFirst().cancelled) {
      waiting.pollFirst();
      dropped.incrementAndGet();
    }
    return waiting.peekFirst();
  }

  /** Admits what fits at {@code start} (FIFO, head-of-line blocking) and returns the step's deadline. */
  long planStep(long start) {
    admitted.clear();
    long prefillTokens = 0;
    while (batch.size() + admitted.size() < maxBatchSize) {
      Entry head = firstLive();
      if (head == null || head.readyAt > start) break;
      long reserve = head.request.reserveTokens(head.generated);
      long uncached = head.uncachedPromptTokens();
      if (kvReserved + reserve > limits.maxBatchTotalTokens() && !(batch.isEmpty() && admitted.isEmpty())) break;
      if (prefillTokens > 0 && prefillTokens + uncached > limits.maxBatchPrefillTokens()) break;
      waiting.pollFirst();
      head.reserved = reserve;
      head.segmentEnd = head.generated + GenRequest.SEGMENT;
      kvReserved += reserve;
      prefillTokens += uncached;
      admitted.add(head);
      // a continued segment is the same request to its client: its queue time is the first segment's
      if (head.generated == 0) {
        head.admittedAt = start;
        head.sink.onAdmitted(start);
      }
    }
    queueSize = waiting.size();
    long kvHeld = 0;
    for (Entry e : batch) kvHeld += e.request.inputTokens() + e.generated;
    double prefillMicros = timing.prefillMicros(prefillTokens);
    double decodeMicros = timing.decodeMicros(batch.size(), kvHeld);
    double micros = prefillMicros + decodeMicros;
    if (prefillTokens > 0) prefillSteps.incrementAndGet();
    if (!batch.isEmpty()) decodeSteps.incrementAndGet();
    batch.addAll(admitted);
    batchSize = batch.size();
    if (batchSize > maxBatchSeen) maxBatchSeen = batchSize;
    batchReservedTokens = kvReserved;
    long stepNanos = Math.max(1, profile.scaledNanos(micros));
    telemetry.step(profile.scaledNanos(prefillMicros), profile.scaledNanos(decodeMicros), stepNanos, prefillTokens, batchSize);
    return start + stepNanos;
  }

  /** The step planned for {@code deadline} ends: every request of the batch emits its token, at {@code clock}'s now. */
  void emitStep(long deadline, SimClock clock) {
    if (shardFailed()) {
      failBatch(clock.now());
      return;
    }
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
      if (e.stallUntil > deadline) continue;
      int index = ++e.generated;
      boolean last = index >= e.request.outputTokens();
      Token token = Vocabulary.next(e.rnd, index, last, e.request.endsWithEos());
      if (index == 1) e.firstTokenAt = deadline;
      e.sink.onToken(token, clock.now());
      tokensEmitted.incrementAndGet();
      if (!last && index == f.errorAfter()) {
        release(e);
        it.remove();
        e.sink.onError("Request failed during generation: simulated error after token " + index, ErrorKind.GENERATION, clock.now());
      } else if (!last && index == f.disconnectAfter()) {
        release(e);
        it.remove();
        e.sink.onError("simulated disconnect", ErrorKind.DISCONNECT, clock.now());
      } else if (last) {
        release(e);
        it.remove();
        telemetry.finished(e.queuedAt, e.admittedAt, e.firstTokenAt, deadline, index + (long) profile.faults().countOffset());
        long tail = profile.scaledNanos(timing.tailMicros());
        if (tail <= 0) {
          e.sink.onFinished(clock.now());
        } else {
          TokenSink sink = e.sink;
          timers.at(deadline + tail, () -> sink.onFinished(clock.now()));
        }
      } else {
        if (index == e.segmentEnd) {
          // the segment ended with "length" and the client asked for more (docs/protocols.md §8): the
          // request leaves the batch, frees its KV and is queued again at the back, its prompt now
          // including what it generated; it is re-validated before it can be admitted again
          release(e);
          it.remove();
          e.readyAt = deadline + profile.scaledNanos(timing.validationMicros());
          continuing.add(e);
        }
        if (index == f.stallAfter()) e.stallUntil = deadline + f.stallNanos();
      }
    }
    if (!continuing.isEmpty()) {
      drainIncoming();
      waiting.addAll(continuing);
      continuing.clear();
      queueSize = waiting.size();
    }
    batchSize = batch.size();
    batchReservedTokens = kvReserved;
  }

  /**
   * An injected shard failure ({@code RequestFaults.failAtOnce}) strikes in the forward that
   * prefills the faulty request; like a real shard error it takes down that whole forward.
   */
  private boolean shardFailed() {
    for (Entry e : batch) {
      if (!e.cancelled && e.generated == 0 && e.request.faults().failAtOnce()) return true;
    }
    return false;
  }

  /** A shard error fails every request of the running batch, as TGI does (docs/protocols.md §8). */
  private void failBatch(long now) {
    for (Entry e : batch) {
      release(e);
      if (e.cancelled) {
        dropped.incrementAndGet();
      } else {
        e.sink.onError("Request failed during generation: simulated shard failure", ErrorKind.GENERATION, now);
      }
    }
    batch.clear();
    batchSize = 0;
    batchReservedTokens = kvReserved;
  }

  private void release(Entry e) {
    kvReserved -= e.reserved;
    e.reserved = 0;
  }

  /** The engine stops: every request it holds, running, queued or just arrived, ends incomplete. */
  void failAll(long now) {
    for (Entry e : batch) e.sink.onError("Incomplete generation stream", ErrorKind.INCOMPLETE, now);
    for (Entry e : waiting) e.sink.onError("Incomplete generation stream", ErrorKind.INCOMPLETE, now);
    Entry e;
    while ((e = incoming.poll()) != null) e.sink.onError("Incomplete generation stream", ErrorKind.INCOMPLETE, now);
    batch.clear();
    waiting.clear();
  }

  /** One submitted request as the scheduler tracks it. */
  static final class Entry implements Engine.Handle {
    final GenRequest request;
    final TokenSink sink;
    final SplittableRandom rnd;
    /** When it can be admitted: validated (and, for a continued segment, re-validated). */
    long readyAt;
    /** When it was first queued (validated), admitted to the batch, and its first token came. */
    final long queuedAt;
    long admittedAt;
    long firstTokenAt;
    int generated;
    /** Tokens generated when its current segment ends (set at admission). */
    int segmentEnd;
    /** KV tokens its current segment holds. */
    long reserved;
    long stallUntil;
    volatile boolean cancelled;

    Entry(GenRequest request, TokenSink sink, long readyAt) {
      this.request = request;
      this.sink = sink;
      this.readyAt = readyAt;
      this.queuedAt = readyAt;
      this.rnd = new SplittableRandom(request.seed());
    }

    /**
     * Prompt tokens its next admission prefills: a first segment's prompt less what the prefix cache
     * held when it arrived ({@link GenRequest#cachedTokens()}). A continued segment's prompt is the original one
     * plus every token generated so far; the KV of all but the last of them was computed in the
     * previous segment and stays in the prefix cache, so only that last token is computed again.
     */
    long uncachedPromptTokens() {
      return generated == 0 ? request.inputTokens() - request.cachedTokens() : 1;
    }

    @Override
    public void cancel() {
      cancelled = true;
    }
  }
}
