package io.barrage.coordinator.report;

import static io.barrage.coordinator.report.Fixtures.cell;
import static io.barrage.coordinator.report.Fixtures.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.barrage.coordinator.report.model.Comparison;
import io.barrage.coordinator.report.model.TargetSummary;
import io.barrage.protocol.scenario.ComparisonSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComparisonsTest {

  @Test
  void ratiosAndTheQuotableSentenceForMatchingCells() {
    TargetSummary fastapi = target("fastapi-a100", "a100", null, 4.10,
        cell("fastapi-a100", 128, 1, 0, 30.0, 35.0, 4500.0, 4.10),
        cell("fastapi-a100", 128, 300, 0, 100.0, 300.0, 47_000.0, 4.10));
    TargetSummary tgi = target("tgi-2xa4000", "2x-a4000", null, 1.52,
        cell("tgi-2xa4000", 128, 1, 0, 25.0, 40.0, 5400.0, 1.52),
        cell("tgi-2xa4000", 128, 300, 0, 390.0, 80.0, 10_000.0, 1.52),
        cell("tgi-2xa4000", 256, 300, 0, 400.0, 80.0, 20_000.0, 1.52)); // no baseline match: skipped
    Comparison c = Comparisons.compare(fastapi, tgi, "fastapi-a100", "tgi-2xa4000");
    assertThat(c.cells()).hasSize(2);
    Comparison.CellComparison top = c.cells().get(1);
    assertThat(top.throughputRatio()).isEqualTo(3.9);
    assertThat(top.latencyRatios().get("e2e").get("p50")).isCloseTo(10_000.0 / 47_000, within(1e-4));
    assertThat(top.latencyRatios().get("ntpot").get("p99")).isCloseTo(80.0 / 300, within(1e-4));
    assertThat(top.throughputRatioCi95()).isNull();
    assertThat(top.sentence())
        .isEqualTo("tgi-2xa4000: 3.9× the tokens/s and 4.7× lower median latency than fastapi-a100 at 300 concurrent requests (128 new tokens)");
    assertThat(c.headline()).isEqualTo(top.sentence());
    assertThat(c.cells().get(0).sentence())
        .isEqualTo("tgi-2xa4000: 0.8× the tokens/s and 1.2× higher median latency than fastapi-a100 at 1 concurrent request (128 new tokens)");
  }

  @Test
  void repeatsArePairedAndGiveAStudentTConfidenceInterval() {
    TargetSummary base = target("a", "x", null, 1.0,
        cell("a", 128, 10, 1, 100.0, 10.0, 1000.0, 1.0),
        cell("a", 128, 10, 2, 100.0, 10.0, 1000.0, 1.0),
        cell("a", 128, 10, 3, 100.0, 10.0, 1000.0, 1.0));
    TargetSummary cand = target("b", "y", null, 1.0,
        cell("b", 128, 10, 1, 380.0, 10.0, 500.0, 1.0),
        cell("b", 128, 10, 2, 400.0, 10.0, 500.0, 1.0),
        cell("b", 128, 10, 3, 420.0, 10.0, 500.0, 1.0));
    Comparison.CellComparison cc = Comparisons.compare(base, cand, "a", "b").cells().get(0);
    assertThat(cc.repeats()).isEqualTo(3);
    // ratios 3.8, 4.0, 4.2: mean 4.0, s = 0.2, t(0.975, 2) = 4.303 -> half width 4.303 × 0.2 / √3 = 0.4969
    assertThat(cc.throughputRatio()).isCloseTo(4.0, within(1e-9));
    assertThat(cc.throughputRatioCi95().low()).isCloseTo(3.5031, within(1e-4));
    assertThat(cc.throughputRatioCi95().high()).isCloseTo(4.4969, within(1e-4));
    assertThat(cc.e2eP50RatioCi95().low()).isCloseTo(0.5, within(1e-9));
    assertThat(cc.sentence()).isEqualTo("b: 4.0× the tokens/s (95% CI 3.5–4.5×) and 2.0× lower median latency than a at 10 concurrent requests (128 new tokens)");
  }

  @Test
  void baselineFromTheScenarioAgainstEveryOtherTarget() {
    TargetSummary a = target("a", "x", null, 1.0, cell("a", 128, 1, 0, 10.0, 1.0, 1.0, 1.0));
    TargetSummary b = target("b", "x", null, 1.0, cell("b", 128, 1, 0, 20.0, 1.0, 1.0, 1.0));
    TargetSummary c = target("c", "x", null, 1.0, cell("c", 128, 1, 0, 30.0, 1.0, 1.0, 1.0));
    List<Comparison> cs = Comparisons.fromScenario(new ComparisonSpec("b", null), List.of(a, b, c));
    assertThat(cs).extracting(Comparison::baseline).containsExactly("b", "b");
    assertThat(cs).extracting(Comparison::candidate).containsExactly("a", "c");
    assertThat(cs.get(1).cells().get(0).throughputRatio()).isEqualTo(1.5);
    assertThat(Comparisons.fromScenario(new ComparisonSpec("b", "c"), List.of(a, b, c))).hasSize(1);
    assertThat(Comparisons.fromScenario(null, List.of(a))).isEmpty();
  }

  @Test
  void studentTQuantiles() {
    assertThat(Stats.t975(1)).isEqualTo(12.706);
    assertThat(Stats.t975(9)).isEqualTo(2.262);
    assertThat(Stats.t975(1000)).isEqualTo(1.96);
    assertThat(Stats.ci95(List.of(1.0))).isNull();
  }
}
