package io.barrage.simulator.http;

import io.barrage.common.prometheus.PrometheusText;
import io.barrage.common.prometheus.PrometheusText.Type;
import io.barrage.simulator.Profile;
import io.barrage.simulator.SimulatorStats;
import io.barrage.simulator.engine.Engine;
import io.barrage.simulator.telemetry.SimHistogram;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * {@code /metrics} in Prometheus text format with TGI's metric names (docs/protocols.md §9: counters
 * without {@code _total}, duration histograms with buckets {@code 0.0001 × 1.5^k} s, no
 * {@code # HELP} lines), plus the simulator's own {@code barrage_sim_*} series, chief among them its
 * scheduling lag. Written with common's {@link PrometheusText}.
 */
final class MetricsText {
  private static final double[] SUMMARY_QUANTILES = {0.5, 0.9, 0.99, 0.999, 1.0};
  private static final double[] DURATION_BUCKETS = new double[35];

  static {
    for (int k = 1; k <= 35; k++) DURATION_BUCKETS[k - 1] = 0.0001 * Math.pow(1.5, k);
  }

  private MetricsText() {}

  static String render(Profile profile, SimulatorStats stats, Engine engine) {
    PrometheusText p = new PrometheusText();
    counter(p, "tgi_request_count", stats.requestsReceived());
    counter(p, "tgi_request_success", stats.requestsSucceeded());
    p.family("tgi_request_failure", Type.COUNTER, null);
    Map<String, Long> failures = new TreeMap<>();
    stats.failureCounters().forEach((k, v) -> failures.put(k.label(), v.sum()));
    failures.forEach((k, v) -> p.sample(v, "err", k));
    gauge(p, "tgi_queue_size", engine.queueSize());
    gauge(p, "tgi_batch_current_size", engine.batchSize());
    gauge(p, "tgi_batch_current_max_tokens", engine.batchReservedTokens());
    gauge(p, "tgi_batch_max_total_tokens", profile.limits().maxBatchTotalTokens());
    p.family("tgi_batch_inference_count", Type.COUNTER, null)
        .sample(engine.prefillSteps(), "method", "prefill")
        .sample(engine.decodeSteps(), "method", "decode");
    Histogram[] h = stats.durationHistograms();
    histogram(p, "tgi_request_duration", h[0]);
    histogram(p, "tgi_request_queue_duration", h[1]);
    TgiEngineMetrics.render(p, profile, engine);

    gauge(p, "barrage_sim_in_flight", stats.inFlight());
    gauge(p, "barrage_sim_open_connections", stats.openConnections());
    counter(p, "barrage_sim_tokens_emitted", stats.tokensEmitted());
    counter(p, "barrage_sim_rejected_429", stats.rejected429());
    counter(p, "barrage_sim_scheduling_rebases", engine.rebases());
    summary(p, "barrage_sim_scheduling_lag_seconds", "How late the engine's steps fired after their deadline.",
        engine.schedulingLag());
    summary(p, "barrage_sim_token_write_lag_seconds",
        "From a streamed token's emission by the engine until its chunk was written to the socket.", stats.tokenWriteLag());
    summary(p, "barrage_sim_loop_pass_seconds",
        "How long each pass of the HTTP event loops took: the longest a newly arrived request waits to be read.",
        stats.loopPasses());
    return p.text();
  }

  /** A summary of nanosecond values in seconds. */
  private static void summary(PrometheusText p, String name, String help, Histogram h) {
    double[] values = new double[SUMMARY_QUANTILES.length];
    for (int i = 0; i < values.length; i++) {
      values[i] = h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(SUMMARY_QUANTILES[i] * 100) / 1e9;
    }
    p.family(name, Type.SUMMARY, help).summary(SUMMARY_QUANTILES, values, h.getMean() * h.getTotalCount() / 1e9, h.getTotalCount());
  }

  private static void counter(PrometheusText p, String name, long v) {
    p.family(name, Type.COUNTER, null).sample(v);
  }

  private static void gauge(PrometheusText p, String name, double v) {
    p.family(name, Type.GAUGE, null).sample(v);
  }

  /** A histogram of microsecond values rendered in seconds with TGI's duration buckets. */
  private static void histogram(PrometheusText p, String name, Histogram micros) {
    long[] cumulative = new long[DURATION_BUCKETS.length];
    for (int i = 0; i < cumulative.length; i++) {
      cumulative[i] = micros.getTotalCount() == 0 ? 0 : countAtOrBelow(micros, (long) (DURATION_BUCKETS[i] * 1e6));
    }
    p.family(name, Type.HISTOGRAM, null).histogram(SimHistogram.printable(DURATION_BUCKETS),
        SimHistogram.perBucket(cumulative, micros.getTotalCount()), micros.getMean() * micros.getTotalCount() / 1e6);
  }

  private static long countAtOrBelow(Histogram h, long value) {
    return h.getCountBetweenValues(0, Math.min(value, h.getHighestTrackableValue()));
  }
}
