package io.barrage.coordinator.report;

import static io.barrage.coordinator.report.Fixtures.cell;
import static io.barrage.coordinator.report.Fixtures.target;
import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.coordinator.report.model.CellSummary;
import io.barrage.coordinator.report.model.Comparison;
import io.barrage.coordinator.report.model.TargetSummary;
import io.barrage.protocol.metrics.ErrorClass;
import io.barrage.protocol.metrics.IntervalCounters;
import io.barrage.protocol.metrics.IntervalReport;
import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.scenario.GoodputThresholds;
import io.barrage.protocol.scenario.SloSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Goodput from several workers' counters to the cell's figures, the CSV and the comparison sentence. */
class GoodputSummaryTest {
  static final GoodputThresholds SLO = GoodputThresholds.of(new SloSpec(Duration.ofSeconds(2), null, null, null));

  static IntervalReport report(String worker, long seq, long ok, long errors, long good, long goodTokens) {
    IntervalCounters c = new IntervalCounters(ok + errors, ok, errors == 0 ? Map.of() : Map.of(ErrorClass.RESET, errors), Map.of(),
        ok * 10, ok * 10, 0, 0, 0, 0, -1, -1, 0, List.of(), Map.of(), ok, ok * 10, good, goodTokens);
    return new IntervalReport(worker, "c", seq, 1000 * seq, 1000 * (seq + 1), Map.of(), c, false);
  }

  @Test
  void theGoodCountsOfEveryWorkerAreAddedOnceEach() {
    CellAggregate a = new CellAggregate("c");
    a.add(report("w1", 0, 10, 1, 7, 70));
    a.add(report("w1", 1, 10, 0, 9, 90));
    a.add(report("w2", 0, 8, 2, 3, 30));
    a.add(report("w2", 0, 8, 2, 3, 30)); // re-sent after a lost ack: counted once
    assertThat(a.goodRequests()).isEqualTo(19);
    assertThat(a.goodOutputTokens()).isEqualTo(190);
    CellSummary.Goodput g = GoodputStats.of(SLO, a, 10.0);
    assertThat(g.requestsPerSecond()).isEqualTo(1.9);
    assertThat(g.outputTokensPerSecond()).isEqualTo(19.0);
    assertThat(g.fraction()).isEqualTo(19.0 / 31, org.assertj.core.api.Assertions.within(1e-6)); // 28 ok + 3 failed
    assertThat(GoodputStats.of(null, a, 10.0)).as("no thresholds: no goodput").isNull();
  }

  static CellSummary withGoodput(CellSummary c, Double rps) {
    return new CellSummary(c.id(), c.target(), c.load(), c.maxNewTokens(), c.repeat(), c.startedAt(), c.endedAt(), c.requests(), c.outputTokens(),
        c.tokens(), c.windowSeconds(), c.throughput(), c.perRequestThroughput(), c.latency(), c.cost(), c.generator(), c.slo(), c.unreachable(),
        c.status(), rps == null ? null : new CellSummary.Goodput(rps, rps * 100, rps / 10), c.server());
  }

  @Test
  void theComparisonSentenceNamesTheGoodputRatio() {
    TargetSummary a = target("a", "x", null, 1.0, withGoodput(cell("a", 128, 10, 0, 100.0, 10.0, 1000.0, 1.0), 0.5));
    TargetSummary b = target("b", "y", null, 1.0, withGoodput(cell("b", 128, 10, 0, 390.0, 10.0, 500.0, 1.0), 3.05));
    Comparison.CellComparison cc = Comparisons.compare(a, b, "a", "b").cells().get(0);
    assertThat(cc.goodputRatio()).isEqualTo(6.1);
    assertThat(cc.sentence()).isEqualTo("b: 3.9× the tokens/s, 6.1× the goodput and 2.0× lower median latency than a at 10 concurrent requests (128 new tokens)");
  }

  @Test
  void aBaselineWithoutAnyGoodRequestIsSaidPlainly() {
    TargetSummary a = target("a", "x", null, 1.0, withGoodput(cell("a", 128, 10, 0, 100.0, 10.0, 1000.0, 1.0), 0.0));
    TargetSummary b = target("b", "y", null, 1.0, withGoodput(cell("b", 128, 10, 0, 390.0, 10.0, 500.0, 1.0), 3.2));
    Comparison.CellComparison cc = Comparisons.compare(a, b, "a", "b").cells().get(0);
    assertThat(cc.goodputRatio()).isNull();
    assertThat(cc.sentence()).contains("goodput 3.20 req/s where a had none");
  }

  @Test
  void withoutGoodputTheSentenceIsUnchanged() {
    TargetSummary a = target("a", "x", null, 1.0, cell("a", 128, 10, 0, 100.0, 10.0, 1000.0, 1.0));
    TargetSummary b = target("b", "y", null, 1.0, cell("b", 128, 10, 0, 390.0, 10.0, 500.0, 1.0));
    assertThat(Comparisons.compare(a, b, "a", "b").cells().get(0).sentence())
        .isEqualTo("b: 3.9× the tokens/s and 2.0× lower median latency than a at 10 concurrent requests (128 new tokens)");
  }

  @Test
  void theCsvCarriesTheGoodputColumnsAtTheEnd() {
    // appended after the older columns (later additions, e.g. the session and trace columns, follow them)
    int after = CsvWriter.HEADER.indexOf("e2e_mean_ms") + 1;
    assertThat(CsvWriter.HEADER.subList(after, after + 3))
        .containsExactly("goodput_requests_per_second", "goodput_output_tokens_per_second", "goodput_fraction");
  }
}
