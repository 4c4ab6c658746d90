package io.barrage.coordinator.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.barrage.coordinator.report.model.CellSummary.LatencySummary;
import io.barrage.protocol.metrics.Histograms;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencyStatsTest {

  @Test
  void perRequestThroughputMergesTheWorkersHistogramsExactlyAndReportsTokensPerSecond() {
    // w1: three requests of 1 token in 1 s, 0.5 s and 1/3 s (1, 2, 3 tokens/s); w2: 10 tokens in 1 s
    io.barrage.protocol.results.CellAggregate a = new io.barrage.protocol.results.CellAggregate("t/m128/c4");
    a.add(Fixtures.report("w1", "t/m128/c4", 0, 0, 3, 3, java.util.Map.of(), new double[] {1000, 500, 1000.0 / 3}, new double[0], new double[0], 0));
    a.add(Fixtures.report("w2", "t/m128/c4", 0, 0, 1, 10, java.util.Map.of(), new double[] {1000}, new double[0], new double[0], 0));
    var r = LatencyStats.rate(a.histogram(io.barrage.protocol.metrics.Metric.PER_REQUEST_THROUGHPUT));
    assertThat(r.count()).isEqualTo(4);
    assertThat(r.mean()).isCloseTo(4.0, within(0.01)); // (1 + 2 + 3 + 10) / 4: the mean of the rates
    assertThat(r.p50()).isCloseTo(2.0, within(0.002));
    assertThat(r.p90()).isCloseTo(10.0, within(0.01));
    assertThat(r.p99()).isCloseTo(10.0, within(0.01));
    assertThat(LatencyStats.rate(Histograms.create()).mean()).as("no request: no figure").isNull();
  }

  @Test
  void percentilesOfOneToOneThousandMillisecondsAreWithinHistogramPrecision() {
    Histogram h = Histograms.create();
    for (int ms = 1; ms <= 1000; ms++) h.recordValue(ms * 1000L);
    LatencySummary s = LatencyStats.of(h);
    assertThat(s.count()).isEqualTo(1000);
    // 3 significant digits: every figure within 0.1 % of the exact order statistic
    assertThat(s.mean()).isCloseTo(500.5, within(0.5));
    assertThat(s.min()).isCloseTo(1.0, within(0.001));
    assertThat(s.max()).isCloseTo(1000.0, within(1.0));
    assertThat(s.p50()).isCloseTo(500.0, within(0.5));
    assertThat(s.p90()).isCloseTo(900.0, within(0.9));
    assertThat(s.p95()).isCloseTo(950.0, within(0.95));
    assertThat(s.p99()).isCloseTo(990.0, within(0.99));
    assertThat(s.p999()).isCloseTo(999.0, within(1.0));
  }

  @Test
  void mergedHistogramsGiveTheExactPercentileNotTheAverageOfPercentiles() {
    Histogram fast = Histograms.create(), slow = Histograms.create();
    for (int i = 0; i < 90; i++) fast.recordValue(10_000); // 10 ms
    for (int i = 0; i < 10; i++) slow.recordValue(1_000_000); // 1 s
    Histogram merged = Histograms.create();
    merged.add(fast);
    merged.add(slow);
    LatencySummary s = LatencyStats.of(merged);
    assertThat(s.p50()).isCloseTo(10.0, within(0.01)); // averaging the two p50s would say 505 ms
    assertThat(s.p99()).isCloseTo(1000.0, within(1.0));
    assertThat(s.mean()).isCloseTo((90 * 10.0 + 10 * 1000.0) / 100, within(0.5));
  }

  @Test
  void emptyHistogramHasNoFigures() {
    LatencySummary s = LatencyStats.of(Histograms.create());
    assertThat(s.count()).isZero();
    assertThat(s.p50()).isNull();
    assertThat(s.mean()).isNull();
  }
}
