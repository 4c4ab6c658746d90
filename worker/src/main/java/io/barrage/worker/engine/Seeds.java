package io.barrage.worker.engine;

/**
 * Deterministic seeds. Everything random about a request (its prompt, its sampling seed, the arrival
 * schedule) derives from the workload seed and global indices only, never from the target or the
 * worker, so every target of a head-to-head gets the same sequence and a split over workers does
 * not change it.
 */
public final class Seeds {
  private Seeds() {}

  /** SplitMix64's finalizer: a good 64-bit mix. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  public static long of(long seed, long a) {
    return mix(mix(seed + 0x9e3779b97f4a7c15L) ^ a);
  }

  public static long of(long seed, long a, long b) {
    return mix(of(seed, a) + 0x9e3779b97f4a7c15L * (b + 1));
  }

  /** Key of the n-th request of closed-loop virtual user {@code stream} (global index). */
  public static long closedLoop(long seed, int stream, long n) {
    return of(seed, 1L << 40 | stream, n);
  }

  /** Key of global arrival {@code i} of an open-loop step. */
  public static long openLoop(long seed, long arrival) {
    return of(seed, 2L << 40, arrival);
  }
}
