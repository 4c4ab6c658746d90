package io.barrage.coordinator.report;

import static io.barrage.coordinator.report.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.barrage.coordinator.report.model.Comparison;
import io.barrage.coordinator.report.model.Recommendations;
import io.barrage.coordinator.report.model.Summary;
import io.barrage.protocol.metrics.ErrorClass;
import io.barrage.protocol.metrics.IntervalCounters;
import io.barrage.protocol.metrics.IntervalReport;
import io.barrage.protocol.plan.CellSpec;
import io.barrage.protocol.plan.Load;
import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.results.CellRecord;
import io.barrage.protocol.results.RunOutcome;
import io.barrage.protocol.results.RunRecord;
import io.barrage.protocol.scenario.TestScenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cells with too many errors, or that measured nothing, never carry a verdict. */
class VerdictsTest {

  static final String JUDGED_AT_300 = "recommendations: {costAtConcurrency: 300, latencyAtConcurrency: 300, throughputAtConcurrency: 300}\n";

  /**
   * At c1 both targets are clean (fastapi 128 tok/s, tgi 256 tok/s). At c300 fastapi "answers" fast
   * because 42 of its 100 requests failed at once: 5000 tok/s at 2 ms/token, cheaper, faster and
   * ahead in throughput of tgi's clean 1000 tok/s at 20 ms/token. Without the error rule it would
   * win all three recommendations, be the whole Pareto frontier and make the headline.
   */
  static RunRecord failingFastRun(String extraYaml) {
    double[] e2e = {1000, 1000};
    CellRecord fa1 = Fixtures.cellRecord(0, "fastapi-a100", 128, 1, 10.0, 50,
        Fixtures.report("w1", "fastapi-a100/m128/c1", 0, T0, 10, 1280, Map.of(), e2e, new double[] {8}, new double[] {1}, 1));
    CellRecord tgi1 = Fixtures.cellRecord(1, "tgi-2xa4000", 128, 1, 10.0, 50,
        Fixtures.report("w1", "tgi-2xa4000/m128/c1", 0, T0, 20, 2560, Map.of(), new double[] {500, 500}, new double[] {4}, new double[] {1}, 1));
    CellRecord fa300 = Fixtures.cellRecord(2, "fastapi-a100", 128, 300, 10.0, 50,
        Fixtures.report("w1", "fastapi-a100/m128/c300", 0, T0, 58, 50_000, Map.of(ErrorClass.RESET, 42L), new double[] {250, 250}, new double[] {2},
            new double[] {1}, 300));
    CellRecord tgi300 = Fixtures.cellRecord(3, "tgi-2xa4000", 128, 300, 10.0, 50,
        Fixtures.report("w1", "tgi-2xa4000/m128/c300", 0, T0, 100, 10_000, Map.of(), new double[] {2560, 2560}, new double[] {20}, new double[] {1}, 300));
    return new RunRecord("fails-fast", Fixtures.scenario(extraYaml), T0, T0 + 60_000, new RunOutcome.Completed(), 1, List.of(),
        List.of(fa1, tgi1, fa300, tgi300));
  }

  @Test
  void aCellWith42PercentErrorsWinsNoRecommendationAndIsOffTheParetoFrontier() {
    Summary s = SummaryBuilder.summary(failingFastRun(JUDGED_AT_300));
    Recommendations r = s.recommendations();
    assertThat(r.mostCostEffective().cell()).isEqualTo("tgi-2xa4000/m128/c300");
    assertThat(r.bestLatency().cell()).isEqualTo("tgi-2xa4000/m128/c300");
    assertThat(r.bestThroughput().cell()).isEqualTo("tgi-2xa4000/m128/c300");
    assertThat(r.bestThroughput().value()).isEqualTo(1000.0);
    assertThat(r.paretoFrontier()).extracting(Recommendations.ParetoPoint::cell)
        .isNotEmpty()
        .doesNotContain("fastapi-a100/m128/c300");
  }

  @Test
  void theComparisonSentenceSkipsALevelWhereOneSideHad42PercentErrors() {
    Summary s = SummaryBuilder.summary(failingFastRun(""));
    Comparison c = s.comparison();
    assertThat(c.cells()).extracting(cc -> cc.load().shortLabel()).containsExactly("c1");
    assertThat(c.headline()).isEqualTo("tgi-2xa4000: 2.0× the tokens/s and 2.0× lower median latency than fastapi-a100 at 1 concurrent request (128 new tokens)");
  }

  @Test
  void theSloMaxErrorRateMovesTheLimit() {
    Summary lenient = SummaryBuilder.summary(failingFastRun(JUDGED_AT_300 + "slo: {maxErrorRate: 0.5}\n"));
    assertThat(lenient.eligibility().maxErrorRate()).isEqualTo(0.5);
    assertThat(lenient.eligibility().excluded()).isEmpty();
    assertThat(lenient.recommendations().bestThroughput().cell()).isEqualTo("fastapi-a100/m128/c300");
    assertThat(lenient.comparison().headline()).contains("at 300 concurrent requests");
  }

  @Test
  void summaryJsonTheReportAndTheTextSayWhichCellsWereLeftOutAndWhy(@TempDir Path dir) throws Exception {
    ResultWriter.write(failingFastRun(""), dir);
    JsonNode s = Json.MAPPER.readTree(dir.resolve("summary.json").toFile());
    assertThat(s.at("/eligibility/maxErrorRate").asDouble()).isEqualTo(0.01);
    assertThat(s.at("/eligibility/excluded")).hasSize(1);
    assertThat(s.at("/eligibility/excluded/0/cell").asText()).isEqualTo("fastapi-a100/m128/c300");
    assertThat(s.at("/eligibility/excluded/0/errorRate").asDouble()).isEqualTo(0.42);
    assertThat(s.at("/eligibility/excluded/0/reason").asText()).isEqualTo("42 % errors > 1 %");

    String html = Files.readString(dir.resolve("report.html"));
    assertThat(html).contains("id=\"alert-excluded\"").contains("<code>fastapi-a100/m128/c300</code>: 42 % errors &gt; 1 %");

    Summary saved = ResultSet.read(dir).summary();
    assertThat(saved.targets().get(0).cells()).extracting(c -> Verdicts.eligible(saved, c)).containsExactly(true, false);
    String text = SummaryText.render(saved);
    assertThat(text).contains("left out of the verdicts").contains("fastapi-a100/m128/c300: 42 % errors > 1 %");
    // the table has an error column: 42 errors, 42.0 %
    assertThat(text.lines().filter(l -> l.startsWith("fastapi-a100") && l.contains("c300")).findFirst().orElseThrow())
        .containsPattern("\\b58\\s+42\\s+42\\.0\\b");
  }

  @Test
  void comparingTwoSavedRunsAppliesTheSameRule(@TempDir Path dir) throws Exception {
    ResultWriter.write(failingFastRun(JUDGED_AT_300), dir.resolve("a"));
    ResultWriter.write(failingFastRun(JUDGED_AT_300), dir.resolve("b"));
    Summary merged = RunComparison.compare(ResultSet.read(dir.resolve("a")), ResultSet.read(dir.resolve("b")));
    assertThat(merged.eligibility().excluded()).extracting(e -> e.cell()).containsExactly("A:fastapi-a100/m128/c300", "B:fastapi-a100/m128/c300");
    assertThat(merged.recommendations().bestThroughput().cell()).endsWith("tgi-2xa4000/m128/c300");
  }

  // ------------------------------------------------------------------ cells that measured nothing

  static CellRecord cell(String id, long ok, Map<ErrorClass, Long> errors, long warmup) {
    CellAggregate a = new CellAggregate(id);
    long errs = errors.values().stream().mapToLong(Long::longValue).sum();
    a.add(new IntervalReport("w1", id, 0, T0, T0 + 1000, Map.of(),
        new IntervalCounters(ok + errs + warmup, ok, errors, Map.of(), ok * 10, ok * 10, 0, 0, 0, warmup, -1, -1), true));
    return new CellRecord(new CellSpec(0, id, "a", 16, new Load.Concurrency(2), 1), a, 1.0, 0, 50, 1, T0, T0 + 1000);
  }

  @Test
  void aCellWhoseEveryRequestWasWarmUpMeasuredNothing() {
    String why = Verdicts.emptyCells(List.of(cell("a/m16/c1", 10, Map.of(), 0), cell("a/m16/c1000", 0, Map.of(), 1000)));
    assertThat(why).isEqualTo("1 of 2 cell(s) measured nothing: a/m16/c1000: every request was excluded as warm-up (1000 in the warm-up)");
    assertThat(Verdicts.emptyCells(List.of(cell("a/m16/c1", 10, Map.of(), 3)))).as("a cell with one success measured something").isNull();
  }

  @Test
  void aRunWhoseEveryRequestFailedSaysSo() {
    String why = Verdicts.emptyCells(List.of(cell("a/m16/c1", 0, Map.of(ErrorClass.CONNECT, 30L), 0), cell("a/m16/c2", 0, Map.of(ErrorClass.CONNECT, 10L), 0)));
    assertThat(why).isEqualTo("every request failed (40 errors, 0 ok): nothing was measured");
  }

  @Test
  void anEmptyCellIsLeftOutOfTheVerdictsAndAFailedRunIsNotShownAsHealthy(@TempDir Path dir) throws Exception {
    CellRecord failed = cell("a/m16/c2", 0, Map.of(ErrorClass.CONNECT, 40L), 0);
    var sc = TestScenario.named("all-failed").step("{requests: 40}").parse();
    String reason = Verdicts.emptyCells(List.of(failed));
    ResultWriter.write(new RunRecord("r", sc, T0, T0 + 1000, new RunOutcome.Degraded(reason), 1, List.of(), List.of(failed)), dir);
    Summary s = ResultSet.read(dir).summary();
    assertThat(s.eligibility().excluded()).extracting(e -> e.reason()).containsExactly("measured nothing: every request failed (40 errors)");
    assertThat(s.recommendations().bestThroughput().target()).isNull();
    assertThat(s.recommendations().bestThroughput().note()).isEqualTo("no throughput was measured (1 cell(s) left out of the verdicts do not count)");
    String html = Files.readString(dir.resolve("report.html"));
    assertThat(html).contains("id=\"alert-outcome\"").contains("every request failed (40 errors, 0 ok)")
        .doesNotContain("alert good");
    String text = SummaryText.render(s);
    assertThat(text).endsWith("run degraded: every request failed (40 errors, 0 ok): nothing was measured\n").doesNotContain("run completed");
  }
}
