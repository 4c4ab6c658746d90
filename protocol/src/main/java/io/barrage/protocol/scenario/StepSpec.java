package io.barrage.protocol.scenario;

import java.time.Duration;

/**
 * When a step (one cell) ends: after {@code requests} measured requests, or after {@code duration}.
 * {@code warmup} is excluded by request start time.
 */
public record StepSpec(Integer requests, Duration duration, Duration warmup) {

  public Duration warmupOrZero() {
    return warmup == null ? Duration.ZERO : warmup;
  }
}
