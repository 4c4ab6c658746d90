package io.barrage.common.prometheus;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts of durations in barrage's fixed Prometheus histogram buckets: the Renard R5 series (1, 1.6,
 * 2.5, 4, 6.3 per decade, each bound about 1.585× the last) from 100 µs to 1000 s, 36 bounds and
 * {@code +Inf}. One bucket set for every latency barrage exposes (TTFT, TPOT, e2e, send lag,
 * event-loop lag), so that a dashboard's {@code histogram_quantile} reads them all alike; why this
 * set is in docs/adr/0340. A quantile read from these buckets lies in the right bucket, so it is
 * within one bucket width (at most ×1.6) of the exact value; the exact percentiles are in the results.
 *
 * <p>Thread-safe: {@link #record} may be called from several threads while another takes a
 * {@link #snapshot}.
 */
public final class LatencyBuckets {

  /** Upper bounds ({@code le}) in seconds, ascending. */
  static final double[] BOUNDS_SECONDS = bounds();

  private static final long[] BOUNDS_NANOS = Arrays.stream(BOUNDS_SECONDS).mapToLong(s -> Math.round(s * 1e9)).toArray();

  private final AtomicLongArray counts = new AtomicLongArray(BOUNDS_SECONDS.length + 1);
  private final LongAdder sumNanos = new LongAdder();

  private static double[] bounds() {
    double[] r5 = {1, 1.6, 2.5, 4, 6.3};
    double[] out = new double[7 * r5.length + 1];
    int i = 0;
    for (int exp = -4; exp <= 2; exp++) {
      for (double m : r5) out[i++] = java.math.BigDecimal.valueOf(m).scaleByPowerOfTen(exp).doubleValue();
    }
    out[i] = 1000;
    return out;
  }

  /** The bucket bounds in seconds, ascending (without {@code +Inf}). */
  public static double[] boundsSeconds() {
    return BOUNDS_SECONDS.clone();
  }

  /** Counts {@code count} samples of {@code nanos} (a negative duration counts as 0). */
  public void record(long nanos, long count) {
    if (count <= 0) return;
    long v = Math.max(0, nanos);
    int i = Arrays.binarySearch(BOUNDS_NANOS, v);
    if (i < 0) i = -i - 1; // the first bound at or above v: "le" is inclusive
    counts.addAndGet(i, count);
    sumNanos.add(v * count);
  }

  /** Counts one sample. */
  public void record(long nanos) {
    record(nanos, 1);
  }

  /** The counts now, per bucket (not cumulative; the last is above every bound) and their sum. */
  public Snapshot snapshot() {
    long[] c = new long[counts.length()];
    for (int i = 0; i < c.length; i++) c[i] = counts.get(i);
    return new Snapshot(c, sumNanos.sum() / 1e9);
  }

  /**
   * Counts per bucket (index {@code i} holds the samples above bound {@code i-1} and at or below bound
   * {@code i}; the last index those above every bound) and the sum of the samples in seconds.
   */
  public record Snapshot(long[] counts, double sumSeconds) {
    public long total() {
      long n = 0;
      for (long c : counts) n += c;
      return n;
    }
  }
}
