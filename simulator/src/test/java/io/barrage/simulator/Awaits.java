package io.barrage.simulator;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a bounded deadline (no fixed sleeps). */
final class Awaits {
  private Awaits() {}

  static void until(Duration limit, BooleanSupplier condition) {
    long end = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) throw new AssertionError("condition not met within " + limit);
      Thread.onSpinWait();
      java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
    }
  }
}
