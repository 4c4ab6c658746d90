package io.barrage.coordinator.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.barrage.common.prometheus.Exposition;
import io.barrage.common.prometheus.PrometheusTextParser;
import io.barrage.common.prometheus.Sample;
import io.barrage.coordinator.run.RunOrder;
import io.barrage.coordinator.run.RunStatus;
import io.barrage.protocol.metrics.ErrorClass;
import io.barrage.protocol.metrics.Histograms;
import io.barrage.protocol.metrics.IntervalCounters;
import io.barrage.protocol.metrics.IntervalReport;
import io.barrage.protocol.metrics.Metric;
import io.barrage.protocol.plan.CellPlanner;
import io.barrage.protocol.plan.CellSpec;
import io.barrage.protocol.results.WorkerEvent;
import io.barrage.protocol.scenario.Scenario;
import io.barrage.protocol.scenario.TestScenario;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** What {@code GET /metrics} says about a run, fed the way {@code Runs} feeds it. */
class LiveMetricsTest {

  /** Two targets: the test scenario's one, and a second line beside it. */
  private static final Scenario SCENARIO = parse(TestScenario.named("live").target("tgi", "http://127.0.0.1:1").yaml()
      .replace("  - {name: tgi,", "  - {name: naive, api: fastapi, url: \"http://127.0.0.1:2/generate\"}\n  - {name: tgi,"));

  private static Scenario parse(String yaml) {
    try {
      return io.barrage.protocol.scenario.ScenarioLoader.parse(yaml, null);
    } catch (Exception e) {
      throw new IllegalStateException(yaml, e);
    }
  }

  private static RunOrder order(String id) {
    return new RunOrder(id, SCENARIO, "", null, Path.of("out", id), 1);
  }

  private static IntervalReport report(CellSpec cell, long seq, long ok, Map<ErrorClass, Long> errors, long tokens, Histogram ttft) {
    var c = new IntervalCounters(ok + 1, ok, errors, Map.of(), tokens, tokens, 0, 0, 2, 0, -1, -1);
    return new IntervalReport("w0", cell.id(), seq, 0, 1000, Map.of(Metric.TTFT, Histograms.encode(ttft)), c, false);
  }

  private static RunStatus status(String run, RunStatus.Phase phase, String cell, long done, int inFlight, List<WorkerEvent> events) {
    return new RunStatus(run, "live", phase, null, "", 1, 2, cell, 10, done, 0, 0, 0, inFlight, 0, 0,
        List.of(new RunStatus.WorkerView("w0", "running", 2, 10, inFlight), new RunStatus.WorkerView("w1", "lost", 0, 0, 0)),
        events, "out", 0, 0, null);
  }

  private static double value(Exposition e, String name, String... labels) {
    return e.samples(name).stream().filter(s -> matches(s, labels)).mapToDouble(Sample::value).sum();
  }

  private static boolean matches(Sample s, String... labels) {
    for (int i = 0; i < labels.length; i += 2) if (!labels[i + 1].equals(s.label(labels[i]))) return false;
    return true;
  }

  @Test
  void countersAddUpTheMergedReportsPerCellAndErrorClass() throws Exception {
    LiveMetrics m = new LiveMetrics();
    m.accepted(order("r1"));
    CellSpec tgi = CellPlanner.plan(SCENARIO).stream().filter(c -> c.target().equals("tgi")).findFirst().orElseThrow();
    Histogram h = Histograms.create();
    h.recordValue(3_000); // 3 ms
    h.recordValue(50_000); // 50 ms
    m.merged("r1", tgi, report(tgi, 0, 4, Map.of(), 40, h), Map.of(Metric.TTFT, h));
    m.merged("r1", tgi, report(tgi, 1, 3, Map.of(ErrorClass.HTTP_STATUS, 2L, ErrorClass.RESET, 1L), 30, h), Map.of(Metric.TTFT, h));
    m.update(status("r1", RunStatus.Phase.RUNNING, tgi.id(), 7, 2,
        List.of(new WorkerEvent("w0", WorkerEvent.Kind.JOINED, 0, null, 0, 0, "joined"), new WorkerEvent("w1", WorkerEvent.Kind.LOST, 0, tgi.id(), 0.5, 1, "gone"))));

    await("the histograms counted").atMost(Duration.ofSeconds(30)).until(() -> m.pendingHistograms() == 0);
    Exposition e = PrometheusTextParser.parse(m.render());
    String[] cell = {"run", "r1", "target", "tgi", "cell", tgi.id()};
    assertThat(value(e, "barrage_requests_ok_total", cell)).isEqualTo(7);
    assertThat(value(e, "barrage_requests_started_total", cell)).isEqualTo(9);
    assertThat(value(e, "barrage_requests_failed_total", "cell", tgi.id(), "error_class", "http")).isEqualTo(2);
    assertThat(value(e, "barrage_requests_failed_total", "cell", tgi.id(), "error_class", "reset")).isEqualTo(1);
    assertThat(value(e, "barrage_output_tokens_total", cell)).isEqualTo(70);
    assertThat(value(e, "barrage_ttft_seconds_count", "target", "tgi")).isEqualTo(4);
    assertThat(value(e, "barrage_ttft_seconds_bucket", "target", "tgi", "le", "0.004")).as("the two 3 ms samples").isEqualTo(2);
    assertThat(value(e, "barrage_ttft_seconds_bucket", "target", "tgi", "le", "0.063")).isEqualTo(4);
    assertThat(value(e, "barrage_ttft_seconds_count", "target", "naive")).as("every planned target has its series").isZero();
    assertThat(value(e, "barrage_requests_in_flight", "target", "tgi")).isEqualTo(2);
    assertThat(value(e, "barrage_requests_in_flight", "target", "naive")).isZero();
    assertThat(value(e, "barrage_cell_running", cell)).isEqualTo(1);
    assertThat(value(e, "barrage_cell_progress_ratio", cell)).isEqualTo(0.7);
    assertThat(value(e, "barrage_run_phase", "phase", "running")).isEqualTo(1);
    assertThat(value(e, "barrage_run_phase", "phase", "finished")).isZero();
    assertThat(value(e, "barrage_workers", "state", "lost")).isEqualTo(1);
    assertThat(value(e, "barrage_worker_events_total", "kind", "joined")).isEqualTo(1);
    assertThat(value(e, "barrage_worker_events_total", "kind", "lost")).isEqualTo(1);
    assertThat(value(e, "barrage_run_cells", "run", "r1")).isEqualTo(2);
  }

  @Test
  void aNewRunReplacesThePreviousRunsSeriesAndLateNewsOfAnOldRunIsIgnored() throws Exception {
    LiveMetrics m = new LiveMetrics();
    m.accepted(order("r1"));
    CellSpec tgi = CellPlanner.plan(SCENARIO).stream().filter(c -> c.target().equals("tgi")).findFirst().orElseThrow();
    Histogram h = Histograms.create();
    h.recordValue(1_000);
    m.merged("r1", tgi, report(tgi, 0, 5, Map.of(), 50, h), Map.of(Metric.TTFT, h));
    m.accepted(order("r2"));
    m.merged("r1", tgi, report(tgi, 1, 5, Map.of(), 50, h), Map.of(Metric.TTFT, h));
    m.update(status("r1", RunStatus.Phase.FINISHED, tgi.id(), 10, 0, List.of()));

    Exposition e = PrometheusTextParser.parse(m.render());
    assertThat(e.samples("barrage_requests_ok_total")).allMatch(s -> s.label("run").equals("r2"));
    assertThat(value(e, "barrage_requests_ok_total")).isZero();
    assertThat(value(e, "barrage_run_phase", "run", "r2", "phase", "waiting_for_workers")).isEqualTo(1);
  }

  @Test
  void beforeAnyRunOnlyTheFamiliesAreWritten() throws Exception {
    Exposition e = PrometheusTextParser.parse(new LiveMetrics().render());
    assertThat(e.families()).isNotEmpty();
    assertThat(e.samples()).isEmpty();
  }
}
