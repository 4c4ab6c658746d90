package io.barrage.coordinator.report;

import io.barrage.coordinator.report.model.CellSummary;
import io.barrage.coordinator.report.model.Numbers;
import io.barrage.coordinator.report.model.ServerSummary;
import java.util.ArrayList;
import java.util.List;

/**
 * The server-telemetry and energy columns at the end of a {@code results.csv} row: what the
 * target's metrics endpoint and DCGM exporter said during the cell (summary.json {@code cells[].server},
 * docs/results.md). Every field is empty when nothing was scraped or the stack does not publish it.
 */
final class ServerCsvColumns {
  static final List<String> HEADER = List.of(
      "server_stack", "server_tokens", "server_client_tokens", "server_token_difference", "server_tokens_match",
      "server_batch_size_mean", "server_batch_size_max", "server_requests_waiting_mean", "server_requests_waiting_max",
      "server_requests_running_mean", "server_requests_running_max", "server_kv_cache_usage_max", "server_queue_time_mean_ms",
      "gpu_power_watts_mean", "energy_joules_per_output_token", "energy_kwh_per_1m_tokens", "server_samples_missing");

  private ServerCsvColumns() {}

  static List<String> values(CellSummary c) {
    ServerSummary v = c.server();
    List<String> r = new ArrayList<>(HEADER.size());
    if (v == null) {
      for (int i = 0; i < HEADER.size(); i++) r.add(null);
      return r;
    }
    ServerSummary.TokenCheck tc = v.tokenCheck();
    ServerSummary.Energy e = v.energy();
    r.add(v.stack());
    r.add(v.tokensGenerated() == null ? null : v.tokensGenerated().toString());
    r.add(tc == null ? null : Long.toString(tc.client()));
    r.add(tc == null ? null : Long.toString(tc.difference()));
    r.add(tc == null ? null : Boolean.toString(tc.match()));
    r.add(num(series(v, "batchSize", true)));
    r.add(num(series(v, "batchSize", false)));
    r.add(num(series(v, "requestsWaiting", true)));
    r.add(num(series(v, "requestsWaiting", false)));
    r.add(num(series(v, "requestsRunning", true)));
    r.add(num(series(v, "requestsRunning", false)));
    r.add(num(series(v, "kvCacheUsage", false)));
    r.add(num(series(v, "queueTime", true)));
    r.add(num(e == null ? null : e.meanPowerWatts()));
    r.add(num(e == null ? null : e.joulesPerOutputToken()));
    r.add(num(e == null ? null : e.kWhPer1MTokens()));
    r.add(Long.toString(v.endpoints().stream().mapToLong(ServerSummary.Endpoint::missing).sum()));
    return r;
  }

  private static Double series(ServerSummary v, String key, boolean mean) {
    ServerSummary.Series s = v.series() == null ? null : v.series().get(key);
    return s == null ? null : mean ? s.mean() : s.max();
  }

  private static String num(Double v) {
    return v == null || !Double.isFinite(v) ? null : Numbers.trim(v);
  }
}
