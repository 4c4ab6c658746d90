package io.barrage.simulator.telemetry;

import io.barrage.common.prometheus.PrometheusText;
import java.math.BigDecimal;
import java.math.MathContext;
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

  /**
   * Writes this histogram into the current histogram family of {@code p}. {@code bounds} are the
   * {@code le} values in the unit the metric is exposed in, {@code recordedPerExposed} converts them
   * to the unit recorded (1e6 for seconds exposed from microseconds, 1 for counts); the buckets are
   * counted at the bounds as given and labelled with them rounded to 9 significant digits
   * ({@code 0.00015}, not {@code 0.00015000000000000001}).
   */
  public void writeTo(PrometheusText p, double[] bounds, double recordedPerExposed, String... labels) {
    double[] inRecorded = new double[bounds.length];
    for (int i = 0; i < bounds.length; i++) inRecorded[i] = bounds[i] * recordedPerExposed;
    Snapshot s = snapshot(inRecorded);
    p.histogram(printable(bounds), perBucket(s.cumulative(), s.count()), s.sum() / recordedPerExposed, labels);
  }

  /** Bucket bounds rounded to 9 significant digits, for their {@code le} labels. */
  public static double[] printable(double[] bounds) {
    double[] r = new double[bounds.length];
    for (int i = 0; i < bounds.length; i++) r[i] = new BigDecimal(bounds[i]).round(new MathContext(9)).doubleValue();
    return r;
  }

  /** Cumulative counts at each bound and the total turned into counts per bucket, the last above every bound. */
  public static long[] perBucket(long[] cumulative, long count) {
    long[] r = new long[cumulative.length + 1];
    long previous = 0;
    for (int i = 0; i < cumulative.length; i++) {
      r[i] = cumulative[i] - previous;
      previous = cumulative[i];
    }
    r[cumulative.length] = count - previous;
    return r;
  }

  /** Cumulative bucket counts for the bounds asked, the total count and the sum. */
  public record Snapshot(long[] cumulative, long count, double sum) {}
}
