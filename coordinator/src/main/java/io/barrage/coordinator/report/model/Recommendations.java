package io.barrage.coordinator.report.model;

import java.util.List;

/**
 * The SageMaker benchmark's three recommendations and the cost-vs-latency Pareto frontier.
 *
 * @param settings the load levels each recommendation is judged at
 */
public record Recommendations(
    Settings settings,
    Recommendation mostCostEffective,
    Recommendation bestLatency,
    Recommendation bestThroughput,
    List<ParetoPoint> paretoFrontier) {

  /** Concurrency levels (defaults 5, 1 and 20, as in the SageMaker benchmark). */
  public record Settings(int costAtConcurrency, int latencyAtConcurrency, int throughputAtConcurrency) {}

  /**
   * @param requestedLevel the configured load level
   * @param level the level actually used (the nearest measured one when the requested one was not measured)
   * @param note says so when a fallback was taken
   * @param value the deciding figure, in {@code unit}
   */
  public record Recommendation(
      String target, String cell, int maxNewTokens, double requestedLevel, double level, String note, Double value, String unit,
      Double tokensPerSecond, Double ntpotP50Ms, Double usdPer1MTokens) {}

  /** A cell no other cell beats on both USD per 1M tokens and median ms/token. */
  public record ParetoPoint(String target, String cell, double usdPer1MTokens, double ntpotP50Ms) {}
}
