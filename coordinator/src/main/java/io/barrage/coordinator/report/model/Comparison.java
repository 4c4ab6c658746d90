package io.barrage.coordinator.report.model;

import java.util.List;
import java.util.Map;

/**
 * Head-to-head of a candidate against a baseline over their matching cells (same maxNewTokens and
 * load level). Every ratio is candidate ÷ baseline: a throughput ratio above 1 and a latency ratio
 * below 1 both mean the candidate is better.
 *
 * @param headline the sentence for the highest common load level (largest maxNewTokens there)
 */
public record Comparison(String baseline, String candidate, List<CellComparison> cells, String headline) {

  /**
   * @param repeats how many repeats were paired (1 without {@code repeat})
   * @param throughputRatio candidate ÷ baseline output tokens/s (mean over the paired repeats)
   * @param throughputRatioCi95 95 % confidence interval of that ratio over repeats (null with one repeat)
   * @param latencyRatios metric → percentile (p50, p90, p95, p99, p999, mean) → candidate ÷ baseline
   * @param e2eP50RatioCi95 95 % confidence interval of the median e2e ratio over repeats
   * @param goodputRatio candidate ÷ baseline good requests per second (mean over the paired repeats);
   *     null without goodput or when the baseline had none
   */
  public record CellComparison(
      int maxNewTokens,
      LoadInfo load,
      List<String> baselineCells,
      List<String> candidateCells,
      int repeats,
      Double baselineTokensPerSecond,
      Double candidateTokensPerSecond,
      Double throughputRatio,
      Interval throughputRatioCi95,
      Map<String, Map<String, Double>> latencyRatios,
      Interval e2eP50RatioCi95,
      String sentence,
      Double goodputRatio) {}

  public record Interval(double low, double high) {}
}
