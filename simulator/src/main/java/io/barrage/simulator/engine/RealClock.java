package io.barrage.simulator.engine;

import java.util.concurrent.locks.LockSupport;

/**
 * Wall-clock time for a live server: {@link System#nanoTime()}, parking until just before a
 * deadline and spinning the rest of the way ({@code parkNanos} overshoots by ~50-100 µs on Linux).
 */
public final class RealClock implements SimClock {
  /** The one real clock (it has no state). */
  public static final RealClock INSTANCE = new RealClock();
  /** Park until this close to a deadline, then spin. */
  private static final long SPIN_WINDOW_NANOS = 80_000;
  /** How long an idle engine parks before it looks for work again (an arrival unparks it earlier). */
  private static final long IDLE_PARK_NANOS = 50_000_000L;

  private RealClock() {}

  @Override
  public long now() {
    return System.nanoTime();
  }

  @Override
  public void waitUntil(long target) {
    long left = target - System.nanoTime();
    if (left <= 0) return;
    if (left > SPIN_WINDOW_NANOS) {
      LockSupport.parkNanos(left - SPIN_WINDOW_NANOS);
    } else {
      Thread.onSpinWait();
    }
  }

  @Override
  public boolean waitForArrival() {
    LockSupport.parkNanos(IDLE_PARK_NANOS);
    return true;
  }

  @Override
  public boolean isVirtual() {
    return false;
  }
}
