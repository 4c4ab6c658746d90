package io.barrage.worker.engine;

import io.barrage.protocol.metrics.IntervalReport;
import io.barrage.protocol.plan.LoadShare;
import java.util.concurrent.CompletionStage;

/** A step being run by a {@link LoadEngine}. Thread-safe. */
public interface RunningStep {
  /**
   * Closes the current interval and returns it (compressed histograms + counters); the sequence
   * increases by one with each call. After {@link #done()} has completed, the next call returns the
   * final report with {@code last = true}.
   */
  IntervalReport drainInterval();

  /**
   * Completes when the share is done (quota reached, duration over or stopped) and every in-flight
   * request has ended. Completes exceptionally only when the step could not start (e.g. a missing
   * secret or dataset).
   */
  CompletionStage<Void> done();

  /** Graceful: stop sending, let in-flight requests end (bounded by their timeouts), complete done(). */
  void stop();

  /**
   * Rebalance: more or fewer virtual users, or another slice of the arrival schedule. The new
   * share's {@code requestQuota} is this worker's new total for the step (requests already claimed
   * count against it).
   */
  void resize(LoadShare newShare);

  int inFlight();
}
