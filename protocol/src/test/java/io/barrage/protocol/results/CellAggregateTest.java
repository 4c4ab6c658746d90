package io.barrage.protocol.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrage.protocol.metrics.ErrorClass;
import io.barrage.protocol.metrics.Histograms;
import io.barrage.protocol.metrics.IntervalCounters;
import io.barrage.protocol.metrics.IntervalReport;
import io.barrage.protocol.metrics.Metric;
import java.util.Map;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class CellAggregateTest {

  private static IntervalReport report(String worker, long seq, Histogram ttft, long tokens) {
    var c = new IntervalCounters(5, 5, Map.of(ErrorClass.RESET, 1L), Map.of(), tokens, tokens, 0, 0, 3, 0, -1, -1);
    return new IntervalReport(worker, "cell", seq, 1000 * seq, 1000 * (seq + 1), Map.of(Metric.TTFT, Histograms.encode(ttft)), c, false);
  }

  @Test
  void mergedHistogramEqualsTheHistogramOfAllSamples() {
    Random rnd = new Random(7);
    Histogram all = Histograms.create();
    CellAggregate agg = new CellAggregate("cell");
    for (int w = 0; w < 3; w++) {
      for (int seq = 0; seq < 5; seq++) {
        Histogram h = Histograms.create();
        for (int i = 0; i < 200; i++) {
          long v = 1 + (long) (Math.abs(rnd.nextGaussian()) * 50_000);
          h.recordValue(v);
          all.recordValue(v);
        }
        agg.add(report("w" + w, seq, h, 10));
      }
    }
    assertThat(agg.histogram(Metric.TTFT)).isEqualTo(all);
    assertThat(agg.histogram(Metric.TTFT).getValueAtPercentile(99)).isEqualTo(all.getValueAtPercentile(99));
    assertThat(agg.outputTokens()).isEqualTo(150);
    assertThat(agg.errors()).containsEntry(ErrorClass.RESET, 15L);
  }

  @Test
  void aResentReportIsCountedOnce() {
    Histogram h = Histograms.create();
    h.recordValue(1234);
    CellAggregate agg = new CellAggregate("cell");
    assertThat(agg.add(report("w1", 0, h, 10))).isTrue();
    assertThat(agg.add(report("w1", 0, h, 10))).isFalse();
    assertThat(agg.histogram(Metric.TTFT).getTotalCount()).isEqualTo(1);
    assertThat(agg.outputTokens()).isEqualTo(10);
    assertThat(agg.duplicates()).isEqualTo(1);
  }

  @Test
  void aCorruptHistogramIsRefusedWithoutTouchingWhatWasMerged() {
    Histogram h = Histograms.create();
    h.recordValue(1234);
    CellAggregate agg = new CellAggregate("cell");
    agg.add(report("w1", 0, h, 10));
    var bad = new IntervalReport("w1", "cell", 1, 0, 1, Map.of(Metric.TTFT, new byte[] {1, 2, 3}), report("w1", 1, h, 10).counters(), false);
    assertThatThrownBy(() -> agg.add(bad)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("corrupt histogram");
    assertThat(agg.histogram(Metric.TTFT).getTotalCount()).isEqualTo(1);
    assertThat(agg.outputTokens()).isEqualTo(10);
  }

  private static IntervalReport outage(String worker, long seq, java.util.List<io.barrage.protocol.metrics.UnreachableSpan> spans,
      Map<ErrorClass, java.util.List<String>> messages) {
    var c = new IntervalCounters(0, 0, Map.of(), Map.of(), 0, 0, 0, 0, 0, 0, -1, -1, 1, spans, messages, 0, 0);
    return new IntervalReport(worker, "cell", seq, 1000 * seq, 1000 * (seq + 1), Map.of(), c, false);
  }

  @Test
  void outagePiecesFromSeveralIntervalsAndWorkersJoinIntoOneSpanWithTheirAttemptsAdded() {
    CellAggregate agg = new CellAggregate("cell");
    agg.add(outage("w1", 0, java.util.List.of(new io.barrage.protocol.metrics.UnreachableSpan(500, 1000, 4)), Map.of()));
    agg.add(outage("w1", 1, java.util.List.of(new io.barrage.protocol.metrics.UnreachableSpan(1000, 1700, 2)), Map.of()));
    agg.add(outage("w2", 0, java.util.List.of(new io.barrage.protocol.metrics.UnreachableSpan(1600, 1800, 1),
        new io.barrage.protocol.metrics.UnreachableSpan(5000, 5100, 3)), Map.of()));
    assertThat(agg.unreachable()).containsExactly(
        new io.barrage.protocol.metrics.UnreachableSpan(500, 1800, 7),
        new io.barrage.protocol.metrics.UnreachableSpan(5000, 5100, 3));
    assertThat(agg.retries()).isEqualTo(3);
  }

  @Test
  void errorMessagesKeepTheFirstDistinctOnesPerClass() {
    CellAggregate agg = new CellAggregate("cell");
    agg.add(outage("w1", 0, java.util.List.of(), Map.of(ErrorClass.CONNECT, java.util.List.of("Connection refused"))));
    agg.add(outage("w2", 0, java.util.List.of(), Map.of(ErrorClass.CONNECT, java.util.List.of("Connection refused", "connect timeout"),
        ErrorClass.RESET, java.util.List.of("Connection reset by peer"))));
    for (int i = 0; i < 10; i++) agg.add(outage("w3", i, java.util.List.of(), Map.of(ErrorClass.RESET, java.util.List.of("m" + i))));
    assertThat(agg.errorMessages().get(ErrorClass.CONNECT)).containsExactly("Connection refused", "connect timeout");
    assertThat(agg.errorMessages().get(ErrorClass.RESET)).hasSize(CellAggregate.MESSAGES_PER_CLASS).startsWith("Connection reset by peer");
  }
}
