package io.barrage.simulator.http;

import io.barrage.simulator.Profile;
import io.barrage.simulator.SimulatorStats;
import io.barrage.simulator.engine.Engine;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * {@code /metrics} in Prometheus text format with TGI's metric names (docs/protocols.md §9: counters
 * without {@code _total}, duration histograms with buckets {@code 0.0001 × 1.5^k} s), plus the
 * simulator's own {@code barrage_sim_*} series, chief among them its scheduling lag.
 */
final class MetricsText {
  private MetricsText() {}

  static String render(Profile profile, SimulatorStats stats, Engine engine) {
    StringBuilder b = new StringBuilder(4096);
    counter(b, "tgi_request_count", stats.requestsReceived());
    counter(b, "tgi_request_success", stats.requestsSucceeded());
    b.append("# TYPE tgi_request_failure counter\n");
    Map<String, Long> failures = new TreeMap<>();
    stats.failureCounters().forEach((k, v) -> failures.put(k.label(), v.sum()));
    failures.forEach((k, v) -> b.append("tgi_request_failure{err=\"").append(k).append("\"} ").append(v).append('\n'));
    gauge(b, "tgi_queue_size", engine.queueSize());
    gauge(b, "tgi_batch_current_size", engine.batchSize());
    gauge(b, "tgi_batch_current_max_tokens", engine.batchReservedTokens());
    gauge(b, "tgi_batch_max_total_tokens", profile.limits().maxBatchTotalTokens());
    b.append("# TYPE tgi_batch_inference_count counter\n");
    b.append("tgi_batch_inference_count{method=\"prefill\"} ").append(engine.prefillSteps()).append('\n');
    b.append("tgi_batch_inference_count{method=\"decode\"} ").append(engine.decodeSteps()).append('\n');
    Histogram[] h = stats.durationHistograms();
    histogram(b, "tgi_request_duration", h[0]);
    histogram(b, "tgi_request_queue_duration", h[1]);
    b.append(TgiEngineMetrics.render(profile, engine));

    gauge(b, "barrage_sim_in_flight", stats.inFlight());
    gauge(b, "barrage_sim_open_connections", stats.openConnections());
    counter(b, "barrage_sim_tokens_emitted", stats.tokensEmitted());
    counter(b, "barrage_sim_rejected_429", stats.rejected429());
    counter(b, "barrage_sim_scheduling_rebases", engine.rebases());
    summary(b, "barrage_sim_scheduling_lag_seconds", "How late the engine's steps fired after their deadline.",
        engine.schedulingLag());
    summary(b, "barrage_sim_token_write_lag_seconds",
        "From a streamed token's emission by the engine until its chunk was written to the socket.", stats.tokenWriteLag());
    summary(b, "barrage_sim_loop_pass_seconds",
        "How long each pass of the HTTP event loops took: the longest a newly arrived request waits to be read.",
        stats.loopPasses());
    return b.toString();
  }

  private static void summary(StringBuilder b, String name, String help, Histogram h) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(" summary\n");
    for (double q : new double[] {0.5, 0.9, 0.99, 0.999, 1.0}) {
      b.append(name).append("{quantile=\"").append(q).append("\"} ")
          .append(fmt(h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(q * 100) / 1e9)).append('\n');
    }
    b.append(name).append("_sum ").append(fmt(h.getMean() * h.getTotalCount() / 1e9)).append('\n');
    b.append(name).append("_count ").append(h.getTotalCount()).append('\n');
  }

  private static void counter(StringBuilder b, String name, long v) {
    b.append("# TYPE ").append(name).append(" counter\n").append(name).append(' ').append(v).append('\n');
  }

  private static void gauge(StringBuilder b, String name, double v) {
    b.append("# TYPE ").append(name).append(" gauge\n").append(name).append(' ').append(fmt(v)).append('\n');
  }

  /** A histogram of microsecond values rendered in seconds with TGI's duration buckets. */
  private static void histogram(StringBuilder b, String name, Histogram micros) {
    b.append("# TYPE ").append(name).append(" histogram\n");
    for (int k = 1; k <= 35; k++) {
      double le = 0.0001 * Math.pow(1.5, k);
      long count = micros.getTotalCount() == 0 ? 0 : countAtOrBelow(micros, (long) (le * 1e6));
      b.append(name).append("_bucket{le=\"").append(fmt(le)).append("\"} ").append(count).append('\n');
    }
    b.append(name).append("_bucket{le=\"+Inf\"} ").append(micros.getTotalCount()).append('\n');
    b.append(name).append("_sum ").append(fmt(micros.getMean() * micros.getTotalCount() / 1e6)).append('\n');
    b.append(name).append("_count ").append(micros.getTotalCount()).append('\n');
  }

  private static long countAtOrBelow(Histogram h, long value) {
    return h.getCountBetweenValues(0, Math.min(value, h.getHighestTrackableValue()));
  }

  private static String fmt(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
    return String.format(Locale.ROOT, "%.9g", v).replaceAll("0+$", "").replaceAll("\\.$", "");
  }
}
