package io.barrage.coordinator.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.coordinator.report.model.CellSummary;
import org.junit.jupiter.api.Test;

/** Goodput arithmetic: per second of the cell's window, fraction of the completed requests. */
class GoodputStatsTest {

  @Test
  void goodRequestsAndTokensPerSecondOfTheWindowAndTheirFractionOfCompletedRequests() {
    // 30 good of 40 completed (35 ok + 5 failed), 3000 good tokens, over a 12.5 s window
    CellSummary.Goodput g = GoodputStats.of(30, 3000, 40, 12.5);
    assertThat(g.requestsPerSecond()).isEqualTo(2.4);
    assertThat(g.outputTokensPerSecond()).isEqualTo(240.0);
    assertThat(g.fraction()).isEqualTo(0.75);
  }

  @Test
  void anEmptyWindowOrNothingCompletedHasNoFigures() {
    CellSummary.Goodput g = GoodputStats.of(0, 0, 0, 0);
    assertThat(g.requestsPerSecond()).isNull();
    assertThat(g.outputTokensPerSecond()).isNull();
    assertThat(g.fraction()).isNull();
  }

  @Test
  void noneGoodIsZeroNotAbsent() {
    CellSummary.Goodput g = GoodputStats.of(0, 0, 10, 5);
    assertThat(g.requestsPerSecond()).isZero();
    assertThat(g.fraction()).isZero();
  }
}
