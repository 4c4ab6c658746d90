package io.barrage.simulator.http;

import io.barrage.simulator.ErrorKind;
import io.barrage.simulator.SimulatorStats;
import io.barrage.simulator.TruthLog;
import io.barrage.simulator.engine.Engine;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One generation request's bookkeeping, shared by the engine's callbacks and its connection: the
 * concurrency permits it holds, the instants its timing headers need, and its end, counted in the
 * server's stats and recorded in the ground truth exactly once whichever side ends it first.
 */
final class Flight {
  private final SimulatorStats stats;
  final TruthLog.Recording rec;
  final long arrival;
  private final AtomicBoolean released = new AtomicBoolean();
  /** Concurrency permits it holds: one per generation (a completions request holds one per prompt). */
  int permits = 1;
  volatile long admitted;
  volatile long lastToken;
  volatile int tokens;
  Engine.Handle handle;

  Flight(SimulatorStats stats, TruthLog.Recording rec, long arrival) {
    this.stats = stats;
    this.rec = rec;
    this.arrival = arrival;
  }

  void succeeded(long nanos) {
    end("ok", null, nanos);
  }

  void failed(ErrorKind kind, long nanos) {
    end("error:" + kind.label(), kind, nanos);
  }

  /** The client went away before the end. */
  void cancelled(long nanos) {
    end("cancelled", ErrorKind.DROPPED, nanos);
  }

  /** An injected disconnect dropped the connection. */
  void disconnected(long nanos) {
    end("disconnect", ErrorKind.DROPPED, nanos);
  }

  /**
   * Ends a completions request with several prompts, once: releases its permits; each prompt's
   * failure was counted where it happened, so only a full success is counted here.
   */
  void endBatch(ErrorKind firstError, long nanos) {
    if (!released.compareAndSet(false, true)) return;
    for (int i = 0; i < permits; i++) stats.release();
    if (firstError == null) stats.succeeded(nanos - arrival, Math.max(0, admitted - arrival));
    record(firstError == null ? "ok" : "error:" + firstError.label(), nanos);
  }

  /** Releases the concurrency permits and records the outcome, once. */
  private void end(String outcome, ErrorKind counted, long nanos) {
    if (!released.compareAndSet(false, true)) return;
    for (int i = 0; i < permits; i++) stats.release();
    if (counted == null) {
      stats.succeeded(nanos - arrival, Math.max(0, admitted - arrival));
    } else {
      stats.failed(counted);
    }
    record(outcome, nanos);
  }

  private void record(String outcome, long nanos) {
    if (rec != null) {
      rec.serverTokens(tokens);
      rec.end(nanos, outcome);
    }
  }
}
