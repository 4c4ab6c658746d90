package io.barrage.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.protocol.scenario.Arrivals;
import org.junit.jupiter.api.Test;

class ArrivalScheduleTest {
  @Test
  void constantArrivalsAreEvenlySpacedFromZero() {
    ArrivalSchedule s = new ArrivalSchedule(4, Arrivals.CONSTANT, 1);
    long[] at = new long[5];
    for (int i = 0; i < 5; i++) {
      s.next();
      at[i] = s.offsetNanos();
    }
    assertThat(at).containsExactly(0, 250_000_000, 500_000_000, 750_000_000, 1_000_000_000);
  }

  @Test
  void poissonArrivalsAreSeededAndHaveTheRequestedMeanRate() {
    ArrivalSchedule a = new ArrivalSchedule(100, Arrivals.POISSON, 42);
    ArrivalSchedule b = new ArrivalSchedule(100, Arrivals.POISSON, 42);
    ArrivalSchedule c = new ArrivalSchedule(100, Arrivals.POISSON, 43);
    boolean differs = false;
    for (int i = 0; i < 20_000; i++) {
      a.next();
      b.next();
      c.next();
      assertThat(a.offsetNanos()).isEqualTo(b.offsetNanos());
      differs |= a.offsetNanos() != c.offsetNanos();
    }
    assertThat(differs).isTrue();
    double rate = 20_000 / (a.offsetNanos() / 1e9);
    assertThat(rate).isBetween(97.0, 103.0);
  }
}
