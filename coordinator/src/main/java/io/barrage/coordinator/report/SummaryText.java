package io.barrage.coordinator.report;

import io.barrage.coordinator.report.model.CellSummary;
import io.barrage.coordinator.report.model.Comparison;
import io.barrage.coordinator.report.model.Eligibility;
import io.barrage.coordinator.report.model.Numbers;
import io.barrage.coordinator.report.model.Recommendations;
import io.barrage.coordinator.report.model.RunInfo;
import io.barrage.coordinator.report.model.Summary;
import io.barrage.coordinator.report.model.TargetSummary;
import io.barrage.protocol.results.RunOutcome;
import java.util.Locale;

/** The plain-text summary printed by {@code run}, {@code demo}, {@code report} and {@code compare}. */
public final class SummaryText {
  private SummaryText() {}

  /**
   * The table (one row per cell, errors included), the comparison sentences, the recommendations,
   * the cells the verdicts left out, warnings, and the run's outcome as the last line.
   */
  public static String render(Summary s) {
    StringBuilder b = new StringBuilder();
    String fmt = "%-28s %6s %8s %6s %7s %7s %10s %10s %10s %10s %10s %8s";
    boolean goodput = s.targets().stream().flatMap(t -> t.cells().stream()).anyMatch(c -> c.goodput() != null);
    b.append(String.format(Locale.ROOT, fmt, "target", "tokens", "load", "ok", "errors", "err %", "tok/s", "TTFT p50", "e2e p50", "e2e p99", "ms/tok", "$/1M"))
        .append(goodput ? GOODPUT_HEADER : "").append(System.lineSeparator());
    for (TargetSummary t : s.targets()) {
      for (CellSummary c : t.cells()) {
        CellSummary.Requests r = c.requests();
        b.append(String.format(Locale.ROOT, fmt, clip(t.name(), 28), c.maxNewTokens(), c.load().shortLabel() + (c.repeat() > 1 ? "#" + c.repeat() : ""),
            r.ok(), r.errorTotal(), r.errorRate() == null ? "–" : Numbers.fmt(r.errorRate() * 100, 1),
            Numbers.fmt(c.tokensPerSecond(), 1), Numbers.fmt(c.latencyValue("ttft", "p50"), 0),
            Numbers.fmt(c.latencyValue("e2e", "p50"), 0), Numbers.fmt(c.latencyValue("e2e", "p99"), 0),
            Numbers.fmt(c.latencyValue("ntpot", "p50"), 1), Numbers.fmt(c.cost() == null ? null : c.cost().usdPer1MTokens(), 2)))
            .append(goodput ? goodput(c) : "").append(System.lineSeparator());
      }
    }
    for (Comparison c : HtmlReport.comparisons(s)) {
      if (c.headline() != null) b.append('\n').append(c.headline()).append('\n');
    }
    b.append(io.barrage.coordinator.capacity.CapacityText.render(s));
    Recommendations r = s.recommendations();
    if (r != null) {
      b.append('\n');
      line(b, "most cost-effective", r.mostCostEffective());
      line(b, "best latency", r.bestLatency());
      line(b, "best throughput", r.bestThroughput());
    }
    String left = excluded(s.eligibility());
    if (!left.isEmpty()) b.append('\n').append(left);
    b.append(ServerTokenText.mismatches(s));
    long saturated = s.targets().stream().flatMap(t -> t.cells().stream()).filter(c -> c.generator().saturated()).count();
    if (saturated > 0) b.append("\nWARNING: the load generator was saturated in ").append(saturated).append(" cell(s); see report.html\n");
    if (!s.run().workers().lost().isEmpty()) b.append("WARNING: ").append(s.run().workers().lost().size()).append(" worker(s) lost during the run\n");
    b.append(LateStarts.text(s.run()));
    b.append('\n').append(outcomeLine(s.run())).append('\n');
    return b.toString();
  }

  private static final String GOODPUT_HEADER = String.format(Locale.ROOT, " %8s %8s", "good/s", "good %");

  /** Good requests per second and their share of the completed requests; "–" in a cell without goodput. */
  private static String goodput(CellSummary c) {
    CellSummary.Goodput g = c.goodput();
    return String.format(Locale.ROOT, " %8s %8s", Numbers.fmt(g == null ? null : g.requestsPerSecond(), 2),
        Numbers.fmt(g == null || g.fraction() == null ? null : g.fraction() * 100, 1));
  }

  /** The cells the verdicts left out, a line each after a heading; empty when none was. */
  public static String excluded(Eligibility e) {
    if (e == null || e.excluded().isEmpty()) return "";
    StringBuilder b = new StringBuilder("left out of the verdicts (more than ").append(Verdicts.percent(e.maxErrorRate())).append(" errors, or nothing measured):\n");
    for (Eligibility.Excluded x : e.excluded()) b.append("  ").append(x.describe()).append('\n');
    return b.toString();
  }

  /** "run completed", "run degraded: why" or "run aborted: why". */
  public static String outcomeLine(RunInfo run) {
    return "run " + RunOutcome.text(run.outcome(), run.outcomeReason());
  }

  private static void line(StringBuilder b, String name, Recommendations.Recommendation r) {
    b.append(String.format(Locale.ROOT, "%-20s ", name + ":"));
    if (r == null || r.target() == null) {
      b.append("– ").append(r == null ? "" : r.note()).append('\n');
      return;
    }
    b.append(r.target()).append(" (").append(r.cell()).append("): ").append(Numbers.fmt(r.value(), 2)).append(' ').append(r.unit());
    if (r.note() != null) b.append(" — ").append(r.note());
    b.append('\n');
  }

  private static String clip(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "…";
  }
}
