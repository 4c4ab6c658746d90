package io.barrage.simulator;

import io.barrage.simulator.engine.Engine;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/** Live counters of one simulated server (what {@code /metrics} renders, for tests and benchmarks). */
public final class SimulatorStats {
  private final Engine engine;
  private final int maxConcurrent;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private final AtomicInteger openConnections = new AtomicInteger();
  private final AtomicLong connectionsAccepted = new AtomicLong();
  private final LongAdder requestsReceived = new LongAdder();
  private final LongAdder success = new LongAdder();
  private final LongAdder rejected429 = new LongAdder();
  private final Map<ErrorKind, LongAdder> failures = new ConcurrentHashMap<>();
  private final Histogram requestSeconds = new Histogram(1, 3_600_000_000L, 3);
  private final Histogram queueSeconds = new Histogram(1, 3_600_000_000L, 3);
  private final org.HdrHistogram.Recorder writeLag = new org.HdrHistogram.Recorder(1, 3_600_000_000_000L, 3);
  private final Histogram writeLagTotal = new Histogram(1, 3_600_000_000_000L, 3);
  private final org.HdrHistogram.Recorder passes = new org.HdrHistogram.Recorder(1, 3_600_000_000_000L, 3);
  private final Histogram passesTotal = new Histogram(1, 3_600_000_000_000L, 3);

  SimulatorStats(Engine engine, int maxConcurrent) {
    this.engine = engine;
    this.maxConcurrent = maxConcurrent;
  }

  /** Requests admitted past the concurrency limit and not finished yet (queued + running). */
  public int inFlight() { return inFlight.get(); }
  public int maxInFlight() { return maxInFlight.get(); }
  public int openConnections() { return openConnections.get(); }
  public long connectionsAccepted() { return connectionsAccepted.get(); }
  public long requestsReceived() { return requestsReceived.sum(); }
  public long requestsSucceeded() { return success.sum(); }
  public long tokensEmitted() { return engine.tokensEmitted(); }
  public long rejected429() { return rejected429.sum(); }
  public int queueSize() { return engine.queueSize(); }
  public int batchSize() { return engine.batchSize(); }
  public int maxBatchSize() { return engine.maxBatchSize(); }

  /** Failures of one kind (TGI's {@code err} label of {@code tgi_request_failure}). */
  public long failures(ErrorKind kind) {
    LongAdder a = failures.get(kind);
    return a == null ? 0 : a.sum();
  }

  public Map<ErrorKind, LongAdder> failureCounters() { return failures; }

  /** p99 of the engine's scheduling lag (how late steps fired), in microseconds. */
  public double schedulingLagP99Micros() {
    return engine.schedulingLag().getValueAtPercentile(99) / 1000.0;
  }

  /** The whole scheduling-lag distribution in nanoseconds. */
  public Histogram schedulingLag() {
    return engine.schedulingLag();
  }

  /**
   * Per streamed token: ns from the engine's emission instant until its chunk was written to the
   * socket (hand-over to the event loop, rendering, the writes queued before it), since start or
   * the last reset. Add the scheduling lag for how late a token was against the simulated GPU.
   */
  public synchronized Histogram tokenWriteLag() {
    writeLagTotal.add(writeLag.getIntervalHistogram());
    return writeLagTotal.copy();
  }

  /**
   * How long each pass of the HTTP event loops took (ns): how long a request that arrives during a
   * pass can wait before it is read. Since start or the last reset.
   */
  public synchronized Histogram loopPasses() {
    passesTotal.add(passes.getIntervalHistogram());
    return passesTotal.copy();
  }

  void loopPass(long nanos) {
    passes.recordValue(Math.max(1, Math.min(nanos, 3_600_000_000_000L)));
  }

  /** Records one streamed token's write lag. */
  public void tokenWritten(long lagNanos) {
    writeLag.recordValue(Math.max(1, Math.min(lagNanos, 3_600_000_000_000L)));
  }

  /** Forgets the scheduling lag recorded so far. */
  public synchronized void resetSchedulingLag() {
    writeLag.getIntervalHistogram();
    writeLagTotal.reset();
    passes.getIntervalHistogram();
    passesTotal.reset();
    engine.resetSchedulingLag();
  }

  // ---- updates from the HTTP layer

  /** Takes a concurrency permit; false when {@code max_concurrent_requests} are already in flight. */
  public boolean tryAcquire() {
    while (true) {
      int n = inFlight.get();
      if (maxConcurrent > 0 && n >= maxConcurrent) return false;
      if (inFlight.compareAndSet(n, n + 1)) {
        maxInFlight.accumulateAndGet(n + 1, Math::max);
        return true;
      }
    }
  }

  public void release() { inFlight.decrementAndGet(); }
  public void received() { requestsReceived.increment(); }
  public void rejected() { rejected429.increment(); failed(ErrorKind.OVERLOADED); }
  public void failed(ErrorKind kind) { failures.computeIfAbsent(kind, k -> new LongAdder()).increment(); }

  public void succeeded(long totalNanos, long queueNanos) {
    success.increment();
    synchronized (requestSeconds) {
      requestSeconds.recordValue(Math.max(1, totalNanos / 1000));
      queueSeconds.recordValue(Math.max(1, queueNanos / 1000));
    }
  }

  /** Copies of the request-duration and queue-duration histograms (µs). */
  public Histogram[] durationHistograms() {
    synchronized (requestSeconds) {
      return new Histogram[] {requestSeconds.copy(), queueSeconds.copy()};
    }
  }

  void connectionOpened() {
    openConnections.incrementAndGet();
    connectionsAccepted.incrementAndGet();
  }

  void connectionClosed() { openConnections.decrementAndGet(); }
}
