package io.barrage.worker.engine;

/**
 * How long a closed-loop virtual user waits after its connection attempts failed, before it tries
 * again: doubling from {@link #FIRST_NANOS} up to {@link #CAP_NANOS}, half of it fixed and half
 * random ("equal jitter", so that users that failed together do not come back together). A user
 * that connects again starts over. Without it, a refused connection on loopback fails in
 * microseconds and the user would try tens of thousands of times a second: the error count would
 * measure the generator's retry speed, not the outage.
 */
final class Backoff {
  static final long FIRST_NANOS = 10_000_000L;
  static final long CAP_NANOS = 1_000_000_000L;

  private Backoff() {}

  /**
   * The wait after {@code failures} (≥ 1) failed attempts in a row.
   *
   * @param random01 a uniform draw in [0, 1)
   */
  static long delayNanos(int failures, double random01) {
    int doublings = Math.max(0, Math.min(failures - 1, 30));
    long ceiling = Math.min(CAP_NANOS, FIRST_NANOS << doublings);
    long half = ceiling / 2;
    return half + (long) (random01 * half);
  }
}
