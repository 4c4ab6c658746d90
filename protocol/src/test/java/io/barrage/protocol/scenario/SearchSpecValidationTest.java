package io.barrage.protocol.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.barrage.protocol.plan.CellPlanner;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SearchSpecValidationTest {
  static final String BASE = ScenarioLoaderTest.GOOD.replace("step: {duration: 60s, warmup: 10s}", "step: {duration: 20s, warmup: 5s}");

  static String with(String load, String slo) {
    return BASE.replace("load: {concurrency: [1, 5, 10]}", "load: " + load) + (slo == null ? "" : "slo: " + slo + "\n");
  }

  static InvalidScenarioException refused(String yaml) {
    InvalidScenarioException e = catchThrowableOfType(() -> ScenarioLoader.parse(yaml, null), InvalidScenarioException.class);
    assertThat(e).as("refused: " + yaml).isNotNull();
    return e;
  }

  @Test
  void aSearchBindsWithItsPrecisionAsAPercentage() throws Exception {
    Scenario s = ScenarioLoader.parse(with("{search: {by: rate, min: 0.5, max: 200, precision: 5%, probes: 12, time: 20m}}", "{ttftP99: 2s, maxErrorRate: 0.01}"), null);
    SearchSpec search = s.workload().load().search();
    assertThat(search.by()).isEqualTo(SearchBy.RATE);
    assertThat(search.precisionFraction()).isEqualTo(0.05);
    assertThat(search.probesOrDefault()).isEqualTo(12);
    assertThat(search.time()).isEqualTo(Duration.ofMinutes(20));
    assertThat(CellPlanner.plan(s)).as("a search's cells are decided while the run goes").isEmpty();
    assertThat(ScenarioLoader.parse(with("{search: {by: concurrency, min: 1, max: 64, precision: 0.1}}", "{e2eP99: 5s}"), null)
        .workload().load().search().precisionFraction()).isEqualTo(0.1);
  }

  @Test
  void badSearchSpecsAreRefusedWithTheirPaths() {
    InvalidScenarioException e = refused(with("{search: {by: concurrency, min: 0.5, max: 0.2, precision: five, probes: 0, time: 0s}}", "{ttftP99: 2s}"));
    assertThat(e.problems()).extracting(ScenarioProblem::path).contains(
        "workload.load.search.min", "workload.load.search.max", "workload.load.search.precision", "workload.load.search.probes", "workload.load.search.time");
    assertThat(e.getMessage()).contains("whole number of virtual users").contains("'five'");

    e = refused(with("{search: {min: 1, max: 10}}", null));
    assertThat(e.problems()).extracting(ScenarioProblem::path).contains("workload.load.search.by", "slo");
    assertThat(e.getMessage()).contains("at least one of ttftP99");

    e = refused(with("{search: {by: rate, min: 5, max: 5, precision: 200%}}", "{ttftP99: 2s}"));
    assertThat(e.problems()).extracting(ScenarioProblem::path).containsExactlyInAnyOrder("workload.load.search.max", "workload.load.search.precision");

    e = refused(with("{search: {by: sideways, min: 1, max: 5}}", "{ttftP99: 2s}"));
    assertThat(e.problems()).extracting(ScenarioProblem::path).contains("workload.load.search.by");
  }

  @Test
  void aLoadIsExactlyOneKind() {
    InvalidScenarioException e = refused(with("{rate: [1], search: {by: rate, min: 1, max: 5}}", "{ttftP99: 2s}"));
    assertThat(e.problems()).extracting(ScenarioProblem::path).contains("workload.load");
    assertThat(e.getMessage()).contains("exactly one of concurrency, rate, stages, search, sweep or trace");
  }

  @Test
  void aSweepBindsAndBadPointsAreRefused() throws Exception {
    assertThat(ScenarioLoader.parse(with("{sweep: {points: 4}}", null), null).workload().load().sweep().pointsOrDefault()).isEqualTo(4);
    InvalidScenarioException e = refused(with("{sweep: {points: 0, saturation: 1}}", null));
    assertThat(e.problems()).extracting(ScenarioProblem::path).containsExactlyInAnyOrder("workload.load.sweep.points", "workload.load.sweep.saturation");
  }
}
