package io.barrage.simulator.engine;

import io.barrage.simulator.telemetry.SimHistogram;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the engine's steps and requests add up to, for the metric names of the stacks the simulator
 * imitates (docs/telemetry.md): per-request phase durations (queued → admitted → first token → last
 * token), per-step prefill and decode durations, the time the simulated GPU was busy (the power
 * model's input), the prompt tokens it prefilled, its forward calls and the batch slots they carried.
 * Written by the engine's scheduling thread, read by {@code /metrics} renderers on other threads.
 * All durations are real (scaled) time in microseconds.
 */
public final class EngineTelemetry {
  public final SimHistogram queueMicros = new SimHistogram();
  public final SimHistogram prefillMicros = new SimHistogram();
  public final SimHistogram decodeMicros = new SimHistogram();
  public final SimHistogram inferenceMicros = new SimHistogram();
  public final SimHistogram forwardPrefillMicros = new SimHistogram();
  public final SimHistogram forwardDecodeMicros = new SimHistogram();
  /** Tokens per finished request, as the server reports them (an injected count offset included). */
  public final SimHistogram generatedTokens = new SimHistogram();
  private final AtomicLong busyNanos = new AtomicLong();
  private final AtomicLong promptTokens = new AtomicLong();
  private final AtomicLong forwardCalls = new AtomicLong();
  private final AtomicLong busySlots = new AtomicLong();
  private final long startNanos = System.nanoTime();

  /** One forward step: its prefill and decode parts, its length and the requests it carried. */
  void step(long prefillNanos, long decodeNanos, long stepNanos, long prefilledTokens, int batch) {
    busyNanos.addAndGet(stepNanos);
    forwardCalls.incrementAndGet();
    busySlots.addAndGet(batch);
    promptTokens.addAndGet(prefilledTokens);
    if (prefillNanos > 0) forwardPrefillMicros.record(prefillNanos / 1000.0);
    if (decodeNanos > 0) forwardDecodeMicros.record(decodeNanos / 1000.0);
  }

  /** A request's last token: its phases, and the tokens the server says it generated. */
  void finished(long queuedAt, long admittedAt, long firstTokenAt, long lastTokenAt, long reportedTokens) {
    queueMicros.record(Math.max(0, admittedAt - queuedAt) / 1000.0);
    prefillMicros.record(Math.max(0, firstTokenAt - admittedAt) / 1000.0);
    decodeMicros.record(Math.max(0, lastTokenAt - firstTokenAt) / 1000.0);
    inferenceMicros.record(Math.max(0, lastTokenAt - admittedAt) / 1000.0);
    generatedTokens.record(reportedTokens);
  }

  /** Nanoseconds the simulated GPU spent in forward steps since the engine started (planned steps included). */
  public long busyNanos() {
    return busyNanos.get();
  }

  /** {@link System#nanoTime()} when the engine was made: where the power model's energy counter starts. */
  public long startNanos() {
    return startNanos;
  }

  public long promptTokens() {
    return promptTokens.get();
  }

  /** Forward steps run (llama.cpp's {@code llama_decode()} calls). */
  public long forwardCalls() {
    return forwardCalls.get();
  }

  /** Σ over steps of the requests each carried (llama.cpp's busy slots). */
  public long busySlots() {
    return busySlots.get();
  }
}
