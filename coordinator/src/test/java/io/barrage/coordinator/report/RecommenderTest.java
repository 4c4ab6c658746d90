package io.barrage.coordinator.report;

import static io.barrage.coordinator.report.Fixtures.cell;
import static io.barrage.coordinator.report.Fixtures.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.barrage.coordinator.report.model.Recommendations;
import io.barrage.coordinator.report.model.TargetSummary;
import io.barrage.protocol.scenario.RecommendationSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The recommendations on the rows of the SageMaker seed's tables (tokens/s, median ms/token, $/h). */
class RecommenderTest {

  static List<TargetSummary> seedRows() {
    return List.of(
        target("7b-gptq-g5.2xlarge", "g5.2xlarge", "gptq", 1.515,
            cell("7b-gptq-g5.2xlarge", 256, 5, 0, 120.0941633, 34.245736, null, 1.515)),
        target("13b-gptq-g5.2xlarge", "g5.2xlarge", "gptq", 1.515,
            cell("13b-gptq-g5.2xlarge", 256, 5, 0, 71.70560104, 56.237484, null, 1.515)),
        target("70b-gptq-g5.12xlarge", "ml.g5.12xlarge", "gptq", 7.09,
            cell("70b-gptq-g5.12xlarge", 256, 5, 0, 33.33372399, 138.347928, null, 7.09)),
        target("7b-g5.12xlarge", "ml.g5.12xlarge", null, 7.09,
            cell("7b-g5.12xlarge", 256, 1, 0, 61.45733054, 16.812526, null, 7.09),
            cell("7b-g5.12xlarge", 256, 20, 0, 449.9423027, 43.99524, null, 7.09)),
        target("13b-g5.12xlarge", "ml.g5.12xlarge", null, 7.09,
            cell("13b-g5.12xlarge", 256, 1, 0, 47.15736567, 21.002715, null, 7.09)),
        target("13b-p4d", "ml.p4d.24xlarge", null, 37.69,
            cell("13b-p4d", 256, 20, 0, 668.0204881, 67.4027465, null, 37.69)),
        target("70b-p4d", "ml.p4d.24xlarge", null, 37.69,
            cell("70b-p4d", 256, 1, 0, 24.5142928, 41.348543, null, 37.69),
            cell("70b-p4d", 256, 20, 0, 321.5369158, 59.798591, null, 37.69)));
  }

  @Test
  void theSeedsThreeRecommendationsAtItsLevels() {
    Recommendations r = Recommender.recommend(seedRows(), Recommender.settings(null));
    assertThat(r.mostCostEffective().target()).isEqualTo("7b-gptq-g5.2xlarge");
    assertThat(r.mostCostEffective().value()).isCloseTo(3.50, within(0.005));
    assertThat(r.mostCostEffective().level()).isEqualTo(5);
    assertThat(r.mostCostEffective().note()).isNull();
    assertThat(r.bestLatency().target()).isEqualTo("7b-g5.12xlarge");
    assertThat(r.bestLatency().value()).isCloseTo(16.8125, within(0.0001));
    assertThat(r.bestThroughput().target()).isEqualTo("13b-p4d");
    assertThat(r.bestThroughput().value()).isCloseTo(668.0205, within(0.0001));
    assertThat(r.bestThroughput().cell()).isEqualTo("13b-p4d/m256/c20");
  }

  @Test
  void levelsAreConfigurableAndAMissingLevelFallsBackToTheNearestMeasuredOne() {
    Recommendations r = Recommender.recommend(seedRows(), Recommender.settings(new RecommendationSpec(20, 1, 16)));
    // cost judged at 20: 13B p4d $15.67 beats 7B g5.12xlarge $4.38? no: 4.38 < 15.67
    assertThat(r.mostCostEffective().target()).isEqualTo("7b-g5.12xlarge");
    assertThat(r.mostCostEffective().value()).isCloseTo(4.3771, within(0.0001));
    assertThat(r.bestThroughput().level()).isEqualTo(20);
    assertThat(r.bestThroughput().requestedLevel()).isEqualTo(16);
    assertThat(r.bestThroughput().note()).isEqualTo("nothing was measured at 16 concurrent requests; judged at the nearest measured level, 20");
  }

  @Test
  void paretoFrontierKeepsOnlyCellsNoOtherBeatsOnBothCostAndLatency() {
    List<TargetSummary> ts = List.of(
        target("cheap-slow", "x", null, 1.0, cell("cheap-slow", 128, 5, 0, 100.0, 50.0, null, 1.0)),
        target("dear-fast", "x", null, 10.0, cell("dear-fast", 128, 5, 0, 100.0, 10.0, null, 10.0)),
        target("dominated", "x", null, 10.0, cell("dominated", 128, 5, 0, 100.0, 60.0, null, 10.0)),
        target("middle", "x", null, 3.0, cell("middle", 128, 5, 0, 100.0, 20.0, null, 3.0)));
    Recommendations r = Recommender.recommend(ts, Recommender.settings(null));
    assertThat(r.paretoFrontier()).extracting(Recommendations.ParetoPoint::target).containsExactly("cheap-slow", "middle", "dear-fast");
  }

  @Test
  void withoutPricesThereIsNoCostRecommendationAndItSaysWhy() {
    List<TargetSummary> ts = List.of(target("a", "x", null, null, cell("a", 128, 5, 0, 100.0, 50.0, null, null)));
    Recommendations r = Recommender.recommend(ts, Recommender.settings(null));
    assertThat(r.mostCostEffective().target()).isNull();
    assertThat(r.mostCostEffective().note()).contains("usdPerHour");
    assertThat(r.bestLatency().target()).isEqualTo("a");
  }
}
