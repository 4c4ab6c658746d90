package io.barrage.worker.cluster;

import io.barrage.protocol.metrics.IntervalReport;
import io.barrage.protocol.plan.LoadShare;
import java.util.concurrent.CompletionStage;

/** A running step, as the worker agent drives it (mirrors the engine's {@code RunningStep}). */
public interface StepRun {
  /** Closes the current interval; sequence 0, 1, 2...; after {@link #done()} completed, the next one is {@code last}. */
  IntervalReport drainInterval();

  CompletionStage<Void> done();

  void stop();

  void resize(LoadShare newShare);

  int inFlight();
}
