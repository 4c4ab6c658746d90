package io.barrage.protocol.scenario;

/**
 * {@code workload.load.sweep}: from one user to saturation. Per target and maxNewTokens: one cell
 * at concurrency 1 (synchronous), one closed-loop cell at {@code saturation} virtual users (its
 * measured request rate is the saturation throughput), then {@code points} open-loop rates evenly
 * spaced strictly between the synchronous cell's request rate and the saturation throughput.
 *
 * @param points rates measured between the two ends (default {@link #DEFAULT_POINTS})
 * @param saturation virtual users of the saturation cell (default {@link #DEFAULT_SATURATION})
 */
public record SweepSpec(Integer points, Integer saturation) {

  public static final int DEFAULT_POINTS = 5;
  public static final int DEFAULT_SATURATION = 64;

  public int pointsOrDefault() {
    return points == null ? DEFAULT_POINTS : points;
  }

  public int saturationOrDefault() {
    return saturation == null ? DEFAULT_SATURATION : saturation;
  }
}
