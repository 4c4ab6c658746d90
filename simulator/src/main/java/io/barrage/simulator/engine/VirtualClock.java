package io.barrage.simulator.engine;

/**
 * Simulated time for discrete-event runs: waiting jumps straight to the deadline, nothing sleeps,
 * so a run is exact and repeatable whatever the machine's load. Single-threaded: it belongs to the
 * thread that runs the virtual {@link Engine}.
 */
public final class VirtualClock implements SimClock {
  private long now;

  /** A clock whose timeline starts at 0. */
  public VirtualClock() {
    this(0);
  }

  /** A clock whose timeline starts at {@code originNanos}. */
  public VirtualClock(long originNanos) {
    this.now = originNanos;
  }

  @Override
  public long now() {
    return now;
  }

  @Override
  public void waitUntil(long target) {
    if (target > now) now = target;
  }

  @Override
  public boolean waitForArrival() {
    return false;
  }

  @Override
  public boolean isVirtual() {
    return true;
  }
}
