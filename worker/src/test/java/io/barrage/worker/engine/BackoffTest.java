package io.barrage.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BackoffTest {
  static final long MS = 1_000_000L;

  @Test
  void theWaitDoublesFromTenMillisecondsWithHalfOfItRandom() {
    assertThat(Backoff.delayNanos(1, 0.0)).isEqualTo(5 * MS);
    assertThat(Backoff.delayNanos(1, 0.999999)).isBetween(9 * MS, 10 * MS);
    assertThat(Backoff.delayNanos(2, 0.0)).isEqualTo(10 * MS);
    assertThat(Backoff.delayNanos(5, 0.0)).isEqualTo(80 * MS);
  }

  @Test
  void theWaitIsCappedAtOneSecondHoweverLongTheOutage() {
    for (int failures : new int[] {8, 9, 20, 1_000, Integer.MAX_VALUE}) {
      assertThat(Backoff.delayNanos(failures, 0.0)).isEqualTo(500 * MS);
      assertThat(Backoff.delayNanos(failures, 0.999999)).isBetween(999 * MS, 1_000 * MS);
    }
  }
}
