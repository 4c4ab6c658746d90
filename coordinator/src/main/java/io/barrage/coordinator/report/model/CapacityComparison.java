package io.barrage.coordinator.report.model;

/**
 * The head-to-head of two capacity searches: the baseline's and a candidate's capacities side by
 * side under the same SLO, at the same maxNewTokens.
 *
 * @param ratio candidate's sustained load ÷ baseline's; null when the baseline sustained nothing
 * @param sentence the comparison in words, with the cost per million tokens at each capacity
 */
public record CapacityComparison(
    String baseline, String candidate, int maxNewTokens, String by, double baselineSustained, double candidateSustained,
    Double ratio, Double baselineUsdPer1MTokens, Double candidateUsdPer1MTokens, String sentence) {}
