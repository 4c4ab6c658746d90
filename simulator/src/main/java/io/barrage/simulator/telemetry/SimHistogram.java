package io.barrage.simulator.telemetry;

import org.HdrHistogram.Histogram;

/**
 * A Prometheus-style histogram of non-negative values: exact count and sum (the series a scraper
 * computes means and totals from), and an HdrHistogram (3 significant digits) for the bucket counts.
 * Thread-safe: recorded by the engine's thread, rendered by the HTTP event loops.
 */
public final class SimHistogram {
  private final Histogram h = new Histogram(1, 3_600_000_000_000L, 3);
  private long count;
  private double sum;

  public synchronized void record(double value) {
    double v = Math.max(0, value);
    count++;
    sum += v;
    h.recordValue(Math.max(1, Math.min(Math.round(v), h.getHighestTrackableValue())));
  }

  public synchronized long count() {
    return count;
  }

  public synchronized double sum() {
    return sum;
  }

  /** Values at or below {@code bound} (in the recorded unit). */
  public synchronized long countAtOrBelow(double bound) {
    if (count == 0 || bound < 1) return 0;
    return h.getCountBetweenValues(0, Math.min((long) Math.floor(bound), h.getHighestTrackableValue()));
  }

  /** A copy of the state, taken at once (so that buckets, count and sum agree). */
  public synchronized Snapshot snapshot(double[] boundsInUnit) {
    long[] cumulative = new long[boundsInUnit.length];
    for (int i = 0; i < boundsInUnit.length; i++) cumulative[i] = countAtOrBelow(boundsInUnit[i]);
    return new Snapshot(cumulative, count, sum);
  }

  /** Cumulative bucket counts for the bounds asked, the total count and the sum. */
  public record Snapshot(long[] cumulative, long count, double sum) {}
}
