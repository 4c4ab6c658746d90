package io.barrage.coordinator.report.model;

import java.util.List;

/**
 * The root of {@code summary.json} (schemaVersion 1), the machine-readable result of a run and the
 * only input needed to re-render {@code results.csv} and {@code report.html} (with timeline.json and
 * distributions.json for the charts over time and the percentile curves).
 *
 * @param comparison the head-to-head of the baseline with its (first) candidate, null with one target
 * @param otherComparisons the baseline against every further candidate (empty with two targets)
 * @param eligibility the cells the comparisons and recommendations left out, and why (null in files
 *     written before it existed)
 * @param capacity the capacities of the baseline and its candidates side by side (null without a
 *     capacity search or with one target)
 */
public record Summary(
    int schemaVersion,
    RunInfo run,
    List<TargetSummary> targets,
    Comparison comparison,
    List<Comparison> otherComparisons,
    Recommendations recommendations,
    Eligibility eligibility,
    List<CapacityComparison> capacity) {

  public static final int SCHEMA_VERSION = 1;

  public Summary(int schemaVersion, RunInfo run, List<TargetSummary> targets, Comparison comparison, List<Comparison> otherComparisons,
      Recommendations recommendations, Eligibility eligibility) {
    this(schemaVersion, run, targets, comparison, otherComparisons, recommendations, eligibility, null);
  }

  public TargetSummary target(String name) {
    return targets.stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
  }
}
