package io.barrage.coordinator.report;

import io.barrage.coordinator.report.model.CellSummary;
import io.barrage.coordinator.report.model.Comparison;
import io.barrage.coordinator.report.model.Numbers;
import io.barrage.coordinator.report.model.Recommendations;
import io.barrage.coordinator.report.model.Summary;
import io.barrage.coordinator.report.model.TargetSummary;

/**
 * A run's headline in one sentence, for places that have room for one line (a LoadTest's status):
 * the first comparison sentence of the report when the scenario compares targets, else the best
 * throughput recommendation, else the highest throughput any cell measured.
 */
public final class Headline {
  private Headline() {}

  /** The headline, or null when the run measured nothing. */
  public static String of(Summary s) {
    for (Comparison c : HtmlReport.comparisons(s)) {
      if (c.headline() != null) return c.headline();
    }
    Recommendations r = s.recommendations();
    if (r != null && r.bestThroughput() != null && r.bestThroughput().target() != null && r.bestThroughput().value() != null) {
      Recommendations.Recommendation b = r.bestThroughput();
      return "best throughput: " + b.target() + " (" + b.cell() + "): " + Numbers.fmt(b.value(), 1) + " " + b.unit();
    }
    String target = null;
    CellSummary top = null;
    for (TargetSummary t : s.targets()) {
      for (CellSummary c : t.cells()) {
        if (c.tokensPerSecond() != null && (top == null || c.tokensPerSecond() > top.tokensPerSecond())) {
          top = c;
          target = t.name();
        }
      }
    }
    if (top == null) return null;
    return "top throughput: " + target + " at " + top.maxNewTokens() + " new tokens, " + top.load().shortLabel() + ": "
        + Numbers.fmt(top.tokensPerSecond(), 1) + " tokens/s";
  }
}
