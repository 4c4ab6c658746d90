package io.barrage.coordinator.report;

import io.barrage.coordinator.report.model.Summary;
import io.barrage.coordinator.report.model.Timeline;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The report's charts of ramp cells ({@code load.stages}), from timeline.json's per-second series:
 * TTFT and e2e p50 (solid) and p99 (dashed), and requests/s with goodput (dashed) beside the planned
 * level, each against seconds since the cell's start. Nothing without a ramp.
 */
final class RampCharts {
  private RampCharts() {}

  static List<SvgChart> charts(ResultSet rs) {
    Summary s = rs.summary();
    List<Timeline.CellTimeline> ramps = rs.timeline().cells().stream().filter(c -> c.perSecond() != null && !c.perSecond().isEmpty()).toList();
    if (ramps.isEmpty()) return List.of();
    String x = "seconds since the ramp's start";
    SvgChart ttft = new SvgChart("chart-ramp-ttft", "Ramp: time to first token per second (p50 solid, p99 dashed)", x, "ms");
    SvgChart e2e = new SvgChart("chart-ramp-e2e", "Ramp: end-to-end latency per second (p50 solid, p99 dashed)", x, "ms");
    SvgChart rate = new SvgChart("chart-ramp-rate", "Ramp: requests/s ended (solid), goodput (dashed), planned level (square markers)", x, "per second");
    for (Timeline.CellTimeline c : ramps) {
      int color = HtmlReport.colorOf(s, c.target());
      ttft.add(new SvgChart.Series(c.cell() + " p50", pts(c, p -> lat(p, "ttft", true)), color, false));
      ttft.add(new SvgChart.Series(c.cell() + " p99", pts(c, p -> lat(p, "ttft", false)), color, true));
      e2e.add(new SvgChart.Series(c.cell() + " p50", pts(c, p -> lat(p, "e2e", true)), color, false));
      e2e.add(new SvgChart.Series(c.cell() + " p99", pts(c, p -> lat(p, "e2e", false)), color, true));
      rate.add(new SvgChart.Series(c.cell() + " ok/s", pts(c, Timeline.Second::okPerSecond), color, false));
      List<double[]> good = pts(c, Timeline.Second::goodPerSecond);
      if (!good.isEmpty()) {
        rate.add(new SvgChart.Series(c.cell() + " goodput", good, color, true));
      }
      rate.add(new SvgChart.Series(c.cell() + " level", pts(c, Timeline.Second::level), s.targets().size() + 1, true, 1));
    }
    return List.of(ttft, e2e, rate);
  }

  private static Double lat(Timeline.Second p, String metric, boolean median) {
    Timeline.Percentiles q = p.latencyMs() == null ? null : p.latencyMs().get(metric);
    if (q == null) return null;
    return median ? q.p50() : q.p99();
  }

  /** (second's middle, value) for the seconds that have one. */
  private static List<double[]> pts(Timeline.CellTimeline c, Function<Timeline.Second, Double> f) {
    List<double[]> out = new ArrayList<>();
    for (Timeline.Second p : c.perSecond()) {
      Double v = f.apply(p);
      if (v != null) out.add(new double[] {p.second() + 0.5, v});
    }
    return out;
  }
}
