package io.barrage.coordinator.report;

import io.barrage.coordinator.report.model.Capacity;
import io.barrage.coordinator.report.model.CapacityComparison;
import io.barrage.coordinator.report.model.CellSummary;
import io.barrage.coordinator.report.model.Numbers;
import io.barrage.coordinator.report.model.Summary;
import io.barrage.coordinator.report.model.TargetSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The capacity part of {@code report.html}: per search, p99 latency of the SLO's metric against the
 * probed load with the SLO's limit as a dashed line and the capacity marked; the answer in words; the
 * probes in the order they were measured; and the head-to-head of the capacities. Nothing without a
 * capacity search.
 */
final class CapacitySection {
  private CapacitySection() {}

  static void render(StringBuilder b, Summary s) {
    List<Capacity> all = new ArrayList<>();
    for (TargetSummary t : s.targets()) {
      if (t.capacities() != null) all.addAll(t.capacities());
      else if (t.capacity() != null) all.add(t.capacity());
    }
    if (all.isEmpty()) return;
    b.append("<h2>Capacity under the SLO</h2>\n");
    if (s.capacity() != null) {
      for (CapacityComparison cc : s.capacity()) b.append("<p class=\"headline\">").append(Html.esc(cc.sentence())).append("</p>\n");
    }
    SvgChart chart = chart(s, all);
    if (chart != null && !chart.isEmpty()) b.append("<div class=\"charts\">").append(chart.render()).append("</div>\n");
    for (Capacity c : all) {
      b.append("<h3>").append(Html.esc(c.target())).append(" · m").append(c.maxNewTokens()).append(c.repeat() > 1 ? " · repeat " + c.repeat() : "")
          .append("</h3><p>").append(Html.esc(c.said())).append("</p>\n");
      b.append("<table><tr><th>#</th><th>cell</th><th>").append("rate".equals(c.by()) ? "requests/s" : "concurrency")
          .append("</th><th>phase</th><th>SLO</th><th>missed</th></tr>");
      for (Capacity.Probe p : c.steps()) {
        b.append("<tr><td>").append(p.n()).append("</td><td><code>").append(Html.esc(p.cell())).append("</code></td><td>").append(Numbers.trim(p.load()))
            .append("</td><td>").append(Html.esc(p.phase() == null ? "" : p.phase())).append("</td><td>")
            .append(p.met() == null ? "not judged" : p.met() ? "met" : "missed").append("</td><td>").append(Html.esc(p.why() == null ? "" : p.why()))
            .append("</td></tr>");
      }
      b.append("</table>\n");
    }
  }

  /** p99 of the first latency objective against load, one line per search, the limit dashed, each capacity marked. */
  private static SvgChart chart(Summary s, List<Capacity> all) {
    String metric = all.get(0).latencyMetric();
    Double limit = all.get(0).latencyLimitMs();
    if (metric == null) return null;
    SvgChart chart = new SvgChart("capacity-latency", "p99 " + metric + " vs load: the SLO line and each capacity",
        "rate".equals(all.get(0).by()) ? "requests/s" : "concurrent requests", "ms");
    double lo = Double.MAX_VALUE, hi = 0;
    for (Capacity c : all) {
      TargetSummary t = s.target(c.target());
      Map<Double, List<Double>> by = new TreeMap<>();
      for (Capacity.Probe p : c.steps()) {
        CellSummary cell = t.cells().stream().filter(x -> x.id().equals(p.cell())).findFirst().orElse(null);
        Double v = cell == null ? null : cell.latencyValue(metric, "p99");
        if (v != null) by.computeIfAbsent(p.load(), k -> new ArrayList<>()).add(v);
        lo = Math.min(lo, p.load());
        hi = Math.max(hi, p.load());
      }
      List<double[]> pts = new ArrayList<>();
      by.forEach((load, vs) -> pts.add(new double[] {load, Stats.mean(vs)}));
      chart.add(new SvgChart.Series(c.target() + " m" + c.maxNewTokens(), pts, HtmlReport.colorOf(s, c.target()), false));
      if (c.sustained() > 0) chart.marker(c.sustained(), c.target() + (c.atLeast() ? " ≥ " : " ") + Numbers.trim(c.sustained()));
    }
    if (limit != null && hi > 0) {
      chart.add(new SvgChart.Series("SLO p99 " + metric + " ≤ " + Numbers.trim(Numbers.round(limit, 1)) + " ms",
          List.of(new double[] {lo, limit}, new double[] {hi, limit}), 8, true));
    }
    return chart;
  }
}
