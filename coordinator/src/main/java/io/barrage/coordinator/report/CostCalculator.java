package io.barrage.coordinator.report;

import io.barrage.coordinator.report.model.CellSummary.Cost;

/**
 * Cost from measured throughput, as the SageMaker benchmark defines it:
 * minutes per 1M tokens = 1e6 / tokens per second / 60; USD per 1M tokens = USD per hour × minutes / 60.
 */
public final class CostCalculator {
  private CostCalculator() {}

  /** Minutes to generate one million output tokens at {@code tokensPerSecond}; null when it is not positive. */
  public static Double minutesPer1MTokens(Double tokensPerSecond) {
    if (tokensPerSecond == null || !(tokensPerSecond > 0)) return null;
    return 1e6 / tokensPerSecond / 60.0;
  }

  /** USD to generate one million output tokens; null when the price or the throughput is unknown. */
  public static Double usdPer1MTokens(Double usdPerHour, Double tokensPerSecond) {
    Double minutes = minutesPer1MTokens(tokensPerSecond);
    if (usdPerHour == null || minutes == null) return null;
    return usdPerHour * minutes / 60.0;
  }

  /** Unrounded cost figures. */
  public static Cost of(Double usdPerHour, Double tokensPerSecond) {
    return new Cost(usdPerHour, minutesPer1MTokens(tokensPerSecond), usdPer1MTokens(usdPerHour, tokensPerSecond));
  }
}
