package io.barrage.coordinator.report;

import io.barrage.coordinator.report.model.Comparison.Interval;
import java.util.List;

/** Means and Student-t confidence intervals over repeats. */
public final class Stats {
  /** Two-sided 97.5 % quantiles of Student's t for 1..30 degrees of freedom. */
  private static final double[] T975 = {
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042
  };

  private Stats() {}

  public static double mean(List<Double> xs) {
    double s = 0;
    for (double x : xs) s += x;
    return s / xs.size();
  }

  /** Sample standard deviation (n − 1). */
  public static double stddev(List<Double> xs) {
    double m = mean(xs), s = 0;
    for (double x : xs) s += (x - m) * (x - m);
    return Math.sqrt(s / (xs.size() - 1));
  }

  public static double t975(int degreesOfFreedom) {
    if (degreesOfFreedom < 1) throw new IllegalArgumentException("degrees of freedom must be >= 1");
    return degreesOfFreedom <= T975.length ? T975[degreesOfFreedom - 1] : 1.960;
  }

  /** The 95 % confidence interval of the mean, or null with fewer than two values. */
  public static Interval ci95(List<Double> xs) {
    if (xs.size() < 2) return null;
    double m = mean(xs);
    double half = t975(xs.size() - 1) * stddev(xs) / Math.sqrt(xs.size());
    return new Interval(m - half, m + half);
  }
}
