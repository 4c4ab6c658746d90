package io.barrage.coordinator.report;

import io.barrage.coordinator.report.model.CellSummary.LatencySummary;
import io.barrage.coordinator.report.model.CellSummary.RateSummary;
import io.barrage.protocol.metrics.Metric;
import io.barrage.coordinator.report.model.Numbers;
import org.HdrHistogram.Histogram;

/**
 * Latency summaries from a merged HdrHistogram (microseconds in, milliseconds out), and the
 * per-request rate's (milli-tokens/s in, tokens/s out). Percentiles are
 * read from the exact merged histogram, never averaged; with 3 significant digits a reported value
 * is within 0.1 % of the recorded one.
 */
public final class LatencyStats {
  private LatencyStats() {}

  public static LatencySummary of(Histogram h) {
    long n = h.getTotalCount();
    if (n == 0) return new LatencySummary(0, null, null, null, null, null, null, null, null);
    return new LatencySummary(
        n,
        ms(h.getMean()),
        ms(h.lowestEquivalentValue(h.getMinValue())),
        ms(h.highestEquivalentValue(h.getMaxValue())),
        ms(h.getValueAtPercentile(50)),
        ms(h.getValueAtPercentile(90)),
        ms(h.getValueAtPercentile(95)),
        ms(h.getValueAtPercentile(99)),
        ms(h.getValueAtPercentile(99.9)));
  }

  /** The per-request rate (milli-tokens/s in, tokens/s out), read the same way. */
  public static RateSummary rate(Histogram h) {
    long n = h.getTotalCount();
    if (n == 0) return new RateSummary(0, null, null, null, null);
    return new RateSummary(n, perSecond(h.getMean()), perSecond(h.getValueAtPercentile(50)),
        perSecond(h.getValueAtPercentile(90)), perSecond(h.getValueAtPercentile(99)));
  }

  private static Double perSecond(double milliTokens) {
    return Numbers.round(milliTokens / Metric.MILLI, 3);
  }

  private static Double ms(double micros) {
    return Numbers.round(micros / 1000.0, 3);
  }
}
