package io.barrage.simulator.engine;

import java.util.concurrent.locks.LockSupport;

/**
 * Wall-clock time for a live server: {@link System#nanoTime()}, parking until just before a
 * deadline and spinning the rest of the way ({@code parkNanos} overshoots by ~50-100 µs on Linux).
 */
public final class RealClock implements SimClock {
  /** The real clock for an ordinary thread: parks, then spins the last 80 µs. */
  public static final RealClock INSTANCE = new RealClock(80_000);
  /**
   * For a real-time (SCHED_FIFO) thread, which is woken without waiting for a CPU: parks all the
   * way (a real-time thread that spins would keep every other thread off its core meanwhile).
   */
  public static final RealClock PARKING = new RealClock(0);
  /** Park until this close to a deadline, then spin. */
  private final long spinWindowNanos;
  /** How long an idle engine parks before it looks for work again (an arrival unparks it earlier). */
  private static final long IDLE_PARK_NANOS = 50_000_000L;

  private RealClock(long spinWindowNanos) {
    this.spinWindowNanos = spinWindowNanos;
  }

  @Override
  public long now() {
    return System.nanoTime();
  }

  @Override
  public void waitUntil(long target) {
    long left = target - System.nanoTime();
    if (left <= 0) return;
    if (left > spinWindowNanos) {
      LockSupport.parkNanos(left - spinWindowNanos);
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
