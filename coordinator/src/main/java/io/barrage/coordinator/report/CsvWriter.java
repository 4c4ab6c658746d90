package io.barrage.coordinator.report;

import io.barrage.coordinator.report.model.CellSummary;
import io.barrage.coordinator.report.model.Numbers;
import io.barrage.coordinator.report.model.Summary;
import io.barrage.coordinator.report.model.TargetSummary;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code results.csv}: one row per cell. The first columns are the SageMaker benchmark's (model,
 * quantization, instance, concurrent requests, median ms/token, tokens/s, USD/hour, minutes and USD
 * per 1M tokens); then TTFT/TPOT/e2e p50 and p99, request counts and error rate; new columns are
 * appended at the end (per-request throughput, mean e2e, goodput, the server's telemetry and
 * energy: {@link ServerCsvColumns}), so readers that go by position keep
 * working. RFC 4180 quoting; text that would start a spreadsheet formula is escaped (see {@link
 * #quote}).
 */
public final class CsvWriter {
  public static final List<String> HEADER = concat(concat(java.util.stream.Stream.concat(java.util.stream.Stream.of(
      "target", "model", "quantization", "instance", "concurrent_requests", "latency_ms_per_token_median",
      "throughput_tokens_per_second", "usd_per_hour", "minutes_per_1m_tokens", "usd_per_1m_tokens",
      "ttft_p50_ms", "ttft_p99_ms", "tpot_p50_ms", "tpot_p99_ms", "e2e_p50_ms", "e2e_p99_ms",
      "requests_ok", "errors", "incomplete", "error_rate", "requests_per_second", "window_seconds",
      "max_new_tokens", "rate_per_second", "repeat", "api", "gpus", "generator_saturated", "cell",
      "per_request_tokens_per_second_mean", "per_request_tokens_per_second_p50", "e2e_mean_ms",
      "goodput_requests_per_second", "goodput_output_tokens_per_second", "goodput_fraction"),
      TrafficSummaries.CSV_HEADER.stream()).toList(), ServerCsvColumns.HEADER), List.of("probe_step", "probe_phase", "probe_met"));

  private CsvWriter() {}

  public static String render(Summary s) {
    StringBuilder sb = new StringBuilder();
    row(sb, HEADER);
    for (TargetSummary t : s.targets()) {
      for (CellSummary c : t.cells()) {
        var d = t.deployment();
        List<String> r = new ArrayList<>();
        r.add(t.name());
        r.add(t.model());
        r.add(d == null ? null : d.quantization());
        r.add(d == null ? null : d.instance());
        r.add(c.load().concurrency() == null ? null : c.load().concurrency().toString());
        r.add(num(c.latencyValue("ntpot", "p50")));
        r.add(num(c.tokensPerSecond()));
        r.add(num(d == null ? null : d.usdPerHour()));
        r.add(num(c.cost().minutesPer1MTokens()));
        r.add(num(c.cost().usdPer1MTokens()));
        r.add(num(c.latencyValue("ttft", "p50")));
        r.add(num(c.latencyValue("ttft", "p99")));
        r.add(num(c.latencyValue("tpot", "p50")));
        r.add(num(c.latencyValue("tpot", "p99")));
        r.add(num(c.latencyValue("e2e", "p50")));
        r.add(num(c.latencyValue("e2e", "p99")));
        r.add(Long.toString(c.requests().ok()));
        r.add(Long.toString(c.requests().errorTotal()));
        r.add(Long.toString(c.requests().incomplete()));
        r.add(num(c.requests().errorRate()));
        r.add(num(c.throughput().requestsPerSecond()));
        r.add(num(c.windowSeconds()));
        r.add(Integer.toString(c.maxNewTokens()));
        r.add(c.load().rate() == null || c.load().isTrace() ? null : num(c.load().rate()));
        r.add(Integer.toString(c.repeat()));
        r.add(t.api());
        r.add(d == null || d.gpus() == null ? null : d.gpus().toString());
        r.add(Boolean.toString(c.generator().saturated()));
        r.add(c.id());
        r.add(num(c.perRequestTokensPerSecond()));
        r.add(num(c.perRequestThroughput() == null ? null : c.perRequestThroughput().p50()));
        r.add(num(c.latencyValue("e2e", "mean")));
        r.add(num(c.goodput() == null ? null : c.goodput().requestsPerSecond()));
        r.add(num(c.goodput() == null ? null : c.goodput().outputTokensPerSecond()));
        r.add(num(c.goodput() == null ? null : c.goodput().fraction()));
        r.addAll(TrafficSummaries.csv(c.traffic()));
        r.addAll(ServerCsvColumns.values(c));
        r.addAll(io.barrage.coordinator.capacity.ProbeMarks.csv(c));
        row(sb, r);
      }
    }
    return sb.toString();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return List.copyOf(all);
  }

  private static String num(Double v) {
    return v == null || !Double.isFinite(v) ? null : Numbers.trim(v);
  }

  private static void row(StringBuilder sb, List<String> cells) {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) sb.append(',');
      sb.append(quote(cells.get(i)));
    }
    sb.append("\r\n");
  }

  /** A plain number: never taken for a formula, so a negative one stays a number. */
  private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile("-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?");

  /**
   * A cell as RFC 4180 text. Text that a spreadsheet would run as a formula (starting with
   * {@code =}, {@code +}, {@code -}, {@code @}, tab or carriage return, e.g. a target or model name
   * {@code =HYPERLINK(...)} taken from a scenario or a server) gets a leading {@code '}, which
   * spreadsheets show as text; plain numbers are left alone.
   */
  static String quote(String v) {
    if (v == null) return "";
    if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0 && !NUMBER.matcher(v).matches()) v = "'" + v;
    if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) return v;
    return '"' + v.replace("\"", "\"\"") + '"';
  }
}
