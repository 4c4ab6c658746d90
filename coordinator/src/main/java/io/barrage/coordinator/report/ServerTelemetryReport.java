package io.barrage.coordinator.report;

import io.barrage.coordinator.report.model.CellSummary;
import io.barrage.coordinator.report.model.Numbers;
import io.barrage.coordinator.report.model.ServerSummary;
import io.barrage.coordinator.report.model.Summary;
import io.barrage.coordinator.report.model.TargetSummary;
import io.barrage.coordinator.report.model.Timeline;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The report's "Inside the server" section (docs/reports.md, docs/telemetry.md): per target whose
 * metrics were scraped, TTFT over the run above the server's batch size and queue on the same time
 * axis, then a table per cell of the canonical series, the server's token count against barrage's,
 * energy per output token beside USD per 1M tokens, and every endpoint that missed samples and why.
 */
final class ServerTelemetryReport {
  private ServerTelemetryReport() {}

  static void render(StringBuilder b, ResultSet rs) {
    Summary s = rs.summary();
    List<CellSummary> withServer = new ArrayList<>();
    for (TargetSummary t : s.targets()) for (CellSummary c : t.cells()) if (c.server() != null) withServer.add(c);
    if (withServer.isEmpty()) return;
    b.append("<h2 id=\"server\">Inside the server</h2><p>What each target's own metrics endpoint (and its GPUs' DCGM exporter, where "
        + "given) said during its cells, scraped by the coordinator (docs/telemetry.md). The charts of a target share their time axis: "
        + "TTFT as barrage measured it above the batch size and queue the server reported.</p><div class=\"charts\">");
    long t0 = t0(rs.timeline());
    for (TargetSummary t : s.targets()) {
      if (t.cells().stream().noneMatch(c -> c.server() != null)) continue;
      int color = HtmlReport.colorOf(s, t.name());
      SvgChart ttft = new SvgChart("chart-server-ttft-" + t.name(), t.name() + ": TTFT over the run (mean per second, client)",
          "seconds since run start", "TTFT ms");
      ttft.add(new SvgChart.Series("TTFT mean", ttftSeries(rs.timeline(), t.name(), t0), color, false));
      SvgChart server = new SvgChart("chart-server-batch-" + t.name(), t.name() + ": batch size and queue over the run (server)",
          "seconds since run start", "requests");
      server.add(new SvgChart.Series("batch size", serverSeries(rs.timeline(), t.name(), t0, "batchSize"), color, false, 0));
      server.add(new SvgChart.Series("waiting (queue)", serverSeries(rs.timeline(), t.name(), t0, "requestsWaiting"), color, true, 1));
      if (!ttft.isEmpty()) b.append(ttft.render()).append('\n');
      if (!server.isEmpty()) b.append(server.render()).append('\n');
    }
    b.append("</div>");
    table(b, withServer);
    problems(b, withServer);
  }

  private static void table(StringBuilder b, List<CellSummary> cells) {
    b.append("<div class=\"scroll\"><table id=\"table-server\"><thead><tr><th>cell</th><th>stack</th><th>batch size mean / max</th>"
        + "<th>waiting mean / max</th><th>running mean / max</th><th>KV cache mean / max</th><th>queue ms</th><th>prefill ms</th><th>decode ms</th>"
        + "<th>server tokens</th><th>barrage tokens</th><th>tokens match</th><th>GPU power W mean</th><th>J / output token</th>"
        + "<th>kWh / 1M tokens</th><th>USD / 1M tokens</th><th>samples missing</th></tr></thead><tbody>");
    for (CellSummary c : cells) {
      ServerSummary v = c.server();
      ServerSummary.TokenCheck tc = v.tokenCheck();
      ServerSummary.Energy e = v.energy();
      long missing = v.endpoints().stream().mapToLong(ServerSummary.Endpoint::missing).sum();
      b.append("<tr><td>").append(Html.esc(c.id())).append("</td><td>").append(Html.esc(v.stack() == null ? "-" : v.stack())).append("</td>")
          .append(meanMax(v, "batchSize")).append(meanMax(v, "requestsWaiting")).append(meanMax(v, "requestsRunning")).append(meanMax(v, "kvCacheUsage"))
          .append(mean(v, "queueTime")).append(mean(v, "prefillTime")).append(mean(v, "decodeTime"))
          .append("<td>").append(tc == null ? "-" : Long.toString(tc.server())).append("</td><td>").append(tc == null ? "-" : tc.client() + " (" + tc.clientSource() + ")")
          .append("</td><td>").append(tc == null ? "-" : tc.match() ? "yes" : "<strong>no: " + (tc.difference() > 0 ? "+" : "") + tc.difference() + "</strong>")
          .append("</td><td>").append(e == null ? "-" : Numbers.fmt(e.meanPowerWatts(), 1)).append(partial(v))
          .append("</td><td>").append(e == null ? "-" : Numbers.fmt(e.joulesPerOutputToken(), 4))
          .append("</td><td>").append(e == null ? "-" : Numbers.fmt(e.kWhPer1MTokens(), 4))
          .append("</td><td>").append(c.cost() == null ? "-" : Numbers.fmt(c.cost().usdPer1MTokens(), 2))
          .append("</td><td>").append(missing).append("</td></tr>");
    }
    b.append("</tbody></table></div>");
  }

  private static void problems(StringBuilder b, List<CellSummary> cells) {
    StringBuilder rows = new StringBuilder();
    for (CellSummary c : cells) {
      for (ServerSummary.Endpoint e : c.server().endpoints()) {
        if (e.missing() == 0 && e.credential() == null) continue;
        rows.append("<tr><td>").append(Html.esc(c.id())).append("</td><td>").append(Html.esc(e.kind())).append("</td><td>")
            .append(Html.esc(e.node() == null ? e.url() : "node " + e.node() + (e.url() == null ? "" : ": " + e.url())))
            .append("</td><td>").append(e.samples()).append("</td><td>").append(e.missing()).append("</td><td>")
            .append(Html.esc(String.join("; ", e.errors()))).append("</td><td>").append(e.credential() == null ? "" : Html.esc(e.credential()))
            .append("</td></tr>");
      }
      ServerSummary.TokenCheck tc = c.server().tokenCheck();
      if (tc != null && tc.note() != null) {
        rows.append("<tr><td>").append(Html.esc(c.id())).append("</td><td>tokens</td><td></td><td></td><td></td><td>")
            .append(Html.esc(tc.note())).append("</td><td></td></tr>");
      }
    }
    if (rows.length() == 0) return;
    b.append("<h3>Scrapes that missed samples</h3><p>A failed scrape never fails a run; it is counted here with its error.</p>"
        + "<table id=\"table-server-problems\"><thead><tr><th>cell</th><th>endpoint</th><th>url</th><th>samples</th><th>missing</th>"
        + "<th>errors</th><th>credential</th></tr></thead><tbody>").append(rows).append("</tbody></table>");
  }

  /** A mark on GPU figures that lack some exporter's GPUs (docs/telemetry.md, "GPUs on several nodes"). */
  private static String partial(ServerSummary v) {
    if (v.gpus() == null || !v.gpus().partial()) return "";
    return " <strong>partial: " + Html.esc(String.join(", ", v.gpus().missing())) + " missing</strong>";
  }

  private static String meanMax(ServerSummary v, String key) {
    ServerSummary.Series s = v.series().get(key);
    return "<td>" + (s == null ? "-" : Numbers.fmt(s.mean(), 2) + " / " + Numbers.fmt(s.max(), 2)) + "</td>";
  }

  private static String mean(ServerSummary v, String key) {
    ServerSummary.Series s = v.series().get(key);
    return "<td>" + (s == null ? "-" : Numbers.fmt(s.mean(), 2)) + "</td>";
  }

  private static long t0(Timeline tl) {
    if (tl.runStartEpochMs() > 0) return tl.runStartEpochMs();
    return tl.cells().stream().mapToLong(Timeline.CellTimeline::startedAtEpochMs).min().orElse(0);
  }

  /** TTFT mean per second of the run, weighted by each worker interval's sample count; a gap between cells. */
  static List<double[]> ttftSeries(Timeline tl, String target, long t0) {
    List<double[]> out = new ArrayList<>();
    for (Timeline.CellTimeline c : tl.cells()) {
      if (!c.target().equals(target)) continue;
      TreeMap<Long, double[]> buckets = new TreeMap<>(); // second -> {count, count × mean}
      for (Timeline.Point p : c.points()) {
        if (p.ttftCount() == null || p.ttftCount() == 0 || p.ttftMeanMs() == null) continue;
        long second = ((p.startEpochMs() + p.endEpochMs()) / 2 - t0) / 1000;
        double[] acc = buckets.computeIfAbsent(second, k -> new double[2]);
        acc[0] += p.ttftCount();
        acc[1] += p.ttftCount() * p.ttftMeanMs();
      }
      if (!out.isEmpty() && !buckets.isEmpty()) out.add(new double[] {Double.NaN, Double.NaN});
      for (Map.Entry<Long, double[]> e : buckets.entrySet()) out.add(new double[] {e.getKey() + 0.5, e.getValue()[1] / e.getValue()[0]});
    }
    return out;
  }

  /** A server series of the target's scrapes, seconds since the run's start; a gap between cells. */
  static List<double[]> serverSeries(Timeline tl, String target, long t0, String key) {
    List<double[]> out = new ArrayList<>();
    for (Timeline.CellTimeline c : tl.cells()) {
      if (!c.target().equals(target)) continue;
      boolean any = false;
      for (Timeline.ServerPoint p : c.server()) {
        Double v = p.values().get(key);
        if (v == null) continue;
        if (!any && !out.isEmpty()) out.add(new double[] {Double.NaN, Double.NaN});
        any = true;
        out.add(new double[] {(p.epochMs() - t0) / 1000.0, v});
      }
    }
    return out;
  }
}
