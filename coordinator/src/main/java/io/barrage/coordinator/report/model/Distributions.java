package io.barrage.coordinator.report.model;

import java.util.List;

/**
 * {@code distributions.json}: the latency percentile curve of every cell for the main metrics, taken
 * from the merged histograms, for the report's distribution charts.
 */
public record Distributions(int schemaVersion, List<Curve> curves) {

  public static final double[] PERCENTILES = {
    0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 95, 97.5, 99, 99.5, 99.9, 99.95, 99.99, 100
  };

  /** @param ms latency at each of {@code percentiles} */
  public record Curve(String cell, String target, String metric, long count, List<Double> percentiles, List<Double> ms) {}
}
