package io.barrage.coordinator.report;

import io.barrage.coordinator.report.model.CellSummary;
import io.barrage.coordinator.report.model.Numbers;
import io.barrage.coordinator.report.model.Summary;
import io.barrage.coordinator.report.model.TargetSummary;
import io.barrage.coordinator.report.model.TrafficSummary;
import java.util.ArrayList;
import java.util.List;

/**
 * The report's sections for multi-turn sessions (sessions per cell, TTFT and e2e by turn: what a
 * prefix cache does to later turns) and for trace replay (offered vs achieved arrivals per second,
 * one chart per cell). Nothing for a run that has neither.
 */
final class TrafficSection {
  private TrafficSection() {}

  static void render(StringBuilder b, Summary s) {
    List<CellSummary> sessions = new ArrayList<>(), traces = new ArrayList<>();
    for (TargetSummary t : s.targets()) {
      for (CellSummary c : t.cells()) {
        if (c.traffic() == null) continue;
        if (c.traffic().sessions() != null) sessions.add(c);
        if (c.traffic().trace() != null) traces.add(c);
      }
    }
    if (!sessions.isEmpty()) sessions(b, sessions);
    if (!traces.isEmpty()) traces(b, traces);
  }

  private static void sessions(StringBuilder b, List<CellSummary> cells) {
    b.append("<h2>Sessions</h2><p>Each virtual user holds multi-turn conversations; turn k sends the whole history. ")
        .append("A server with a prefix cache answers later turns with a TTFT close to turn 1's although their prompts are longer.</p>");
    b.append("<table id=\"table-sessions\"><thead><tr><th>cell</th><th>started</th><th>completed</th><th>failed</th>")
        .append("<th>session p50 ms</th><th>session p99 ms</th></tr></thead><tbody>");
    for (CellSummary c : cells) {
      TrafficSummary.Sessions x = c.traffic().sessions();
      b.append("<tr><td>").append(Html.esc(c.id())).append("</td><td>").append(x.started()).append("</td><td>").append(x.completed())
          .append("</td><td>").append(x.failed()).append("</td><td>").append(ms(x.latency().p50())).append("</td><td>")
          .append(ms(x.latency().p99())).append("</td></tr>");
    }
    b.append("</tbody></table>");
    b.append("<table id=\"table-turns\"><thead><tr><th>cell</th><th>turn</th><th>requests</th><th>TTFT p50 ms</th><th>TTFT p99 ms</th>")
        .append("<th>e2e p50 ms</th><th>e2e p99 ms</th></tr></thead><tbody>");
    for (CellSummary c : cells) {
      for (TrafficSummary.Turn t : c.traffic().turns()) {
        b.append("<tr><td>").append(Html.esc(c.id())).append("</td><td>").append(t.turn()).append("</td><td>").append(t.ttft().count())
            .append("</td><td>").append(ms(t.ttft().p50())).append("</td><td>").append(ms(t.ttft().p99())).append("</td><td>")
            .append(t.e2e() == null ? "" : ms(t.e2e().p50())).append("</td><td>").append(t.e2e() == null ? "" : ms(t.e2e().p99()))
            .append("</td></tr>");
      }
    }
    b.append("</tbody></table>");
  }

  private static void traces(StringBuilder b, List<CellSummary> cells) {
    b.append("<h2>Trace replay</h2><p>Arrivals per second: offered (due by the trace, time-scaled) vs achieved (sent by the workers). ")
        .append("Achieved below offered means the generator fell behind the trace (see sendLag).</p><div class=\"charts\">");
    int i = 0;
    for (CellSummary c : cells) {
      TrafficSummary.Trace t = c.traffic().trace();
      List<double[]> offered = new ArrayList<>(), achieved = new ArrayList<>();
      for (TrafficSummary.RatePoint p : t.perSecond()) {
        offered.add(new double[] {p.second(), p.offered()});
        achieved.add(new double[] {p.second(), p.achieved()});
      }
      SvgChart chart = new SvgChart("chart-trace-" + i++, "Offered vs achieved arrivals: " + c.id(), "seconds since the cell's start", "requests/s")
          .add(new SvgChart.Series("offered", offered, 0, true))
          .add(new SvgChart.Series("achieved", achieved, 1, false));
      if (!chart.isEmpty()) b.append(chart.render()).append('\n');
      b.append("<p>").append(Html.esc(c.id())).append(": ").append(t.offered()).append(" arrivals offered, ").append(t.sent())
          .append(" requests sent.</p>");
    }
    b.append("</div>");
  }

  private static String ms(Double v) {
    return v == null ? "" : Numbers.trim(v);
  }
}
