package io.barrage.coordinator.report;

import static io.barrage.coordinator.report.Fixtures.T0;
import static io.barrage.coordinator.report.Fixtures.histogramMs;
import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.coordinator.report.model.CellSummary;
import io.barrage.coordinator.report.model.Timeline;
import io.barrage.protocol.metrics.IntervalCounters;
import io.barrage.protocol.metrics.IntervalReport;
import io.barrage.protocol.metrics.Metric;
import io.barrage.protocol.plan.CellSpec;
import io.barrage.protocol.plan.CellPlanner;
import io.barrage.protocol.plan.Load;
import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.results.CellRecord;
import io.barrage.protocol.results.RunOutcome;
import io.barrage.protocol.results.RunRecord;
import io.barrage.protocol.scenario.ScenarioLoader;
import io.barrage.protocol.scenario.Scenario;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A ramp's per-second series: exact merges of the workers' intervals per second, in timeline.json and the report. */
class RampSeriesTest {
  @TempDir Path dir;

  static IntervalReport report(String worker, long seq, long startMs, long ok, long good, int inFlight, double... ttftMs) {
    Map<Metric, byte[]> hs = new EnumMap<>(Metric.class);
    hs.put(Metric.TTFT, histogramMs(ttftMs));
    hs.put(Metric.E2E, histogramMs(ttftMs));
    IntervalCounters c = new IntervalCounters(ok, ok, Map.of(), Map.of(), ok * 8, ok * 8, 0, 0, inFlight, 0, -1, -1, 0, List.of(), Map.of(),
        ok, ok * 8, good, good * 8);
    return new IntervalReport(worker, "a/m16/stages-r2-4", seq, startMs, startMs + 1000, hs, c, false);
  }

  /** A ramp of one target, 0 → 2/s over 2 s then 2 → 4/s over 2 s: the cell the series tests merge. */
  static Scenario rampScenario() throws Exception {
    return ScenarioLoader.parse("""
        name: ramp
        targets: [{name: a, api: tgi-stream, url: "http://127.0.0.1:9"}]
        workload:
          prompt: {text: hi}
          maxNewTokens: [16]
          load: {stages: [{rate: 2, duration: 2s}, {rate: 4, duration: 2s}]}
        slo: {ttftP99: 100ms}
        """, null);
  }

  @Test
  void everySecondMergesTheWorkersHistogramsAndAddsTheirRates() throws Exception {
    Scenario sc = rampScenario();
    CellSpec spec = CellPlanner.plan(sc).get(0);
    assertThat(spec.load()).isInstanceOf(Load.Ramp.class);
    CellAggregate a = new CellAggregate(spec.id()).keepLatencySlices();
    // two workers, four one-second intervals each; worker 2's edges are 300 ms later
    for (int k = 0; k < 4; k++) {
      a.add(report("w1", k, T0 + 1000L * k, 1 + k, k, 1, 10 + k, 200));
      a.add(report("w2", k, T0 + 300 + 1000L * k, 1 + k, 1, 2, 20 + k));
    }
    CellRecord c = new CellRecord(spec, a, 4.0, 0, 50, 2, T0, T0 + 4000);
    RunRecord run = new RunRecord("r", sc, T0, T0 + 5000, new RunOutcome.Completed(), 2, List.of(), List.of(c));
    ResultWriter.write(run, dir);
    ResultSet rs = ResultSet.read(dir);

    Timeline.CellTimeline tl = rs.timeline().cells().get(0);
    assertThat(tl.perSecond()).hasSize(4);
    Timeline.Second s1 = tl.perSecond().get(1);
    assertThat(s1.second()).isEqualTo(1);
    assertThat(s1.level()).as("planned at the middle of second 1, on the way 0 → 2 over 2 s").isEqualTo(1.5);
    assertThat(s1.latencyMs().get("ttft").count()).isEqualTo(3); // 11, 200 from w1 and 21 from w2, merged exactly
    assertThat(s1.latencyMs().get("ttft").p50()).isEqualTo(21.0, org.assertj.core.api.Assertions.offset(0.05));
    assertThat(s1.okPerSecond()).isEqualTo(4.0);                 // 2 + 2 requests over one second each
    assertThat(s1.goodPerSecond()).isEqualTo(2.0);               // 1 + 1
    assertThat(s1.inFlight()).isEqualTo(3);
    CellSummary cell = rs.summary().targets().get(0).cells().get(0);
    assertThat(cell.load().stages()).hasSize(2);
    assertThat(cell.load().rate()).isEqualTo(4.0);
    assertThat(cell.goodput()).isNotNull();
    String html = HtmlReport.render(rs);
    assertThat(html).contains("chart-ramp-ttft", "chart-ramp-e2e", "chart-ramp-rate", "chart-goodput");
  }
}
