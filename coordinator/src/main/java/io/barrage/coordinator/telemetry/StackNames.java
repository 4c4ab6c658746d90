package io.barrage.coordinator.telemetry;

import io.barrage.common.prometheus.Exposition;
import io.barrage.common.prometheus.MetricFamily;
import io.barrage.common.prometheus.Sample;
import io.barrage.protocol.results.ServerTelemetry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Reads the known metric names of TGI, vLLM and llama.cpp into {@link Canonical} values, and the
 * GPU series of NVIDIA's DCGM exporter (the mapping table, with the versions the names come from, is
 * in docs/telemetry.md). A series published under several label sets (vLLM's engines, DCGM's GPUs)
 * is summed, except shares and utilisation, which are averaged. Everything else is kept raw.
 */
public final class StackNames {
  private StackNames() {}

  /** What one scrape of a stack endpoint says. */
  public record Reading(String stack, Map<String, Double> values, Map<String, Double> raw) {}

  private static final Set<String> TGI_KNOWN = Set.of("tgi_batch_current_size", "tgi_queue_size", "tgi_batch_current_max_tokens",
      "tgi_batch_max_total_tokens", "tgi_request_generated_tokens", "tgi_request_queue_duration", "tgi_request_inference_duration",
      "tgi_batch_forward_duration");
  private static final Set<String> VLLM_KNOWN = Set.of("vllm:num_requests_running", "vllm:num_requests_waiting", "vllm:kv_cache_usage_perc",
      "vllm:gpu_cache_usage_perc", "vllm:generation_tokens_total", "vllm:request_queue_time_seconds", "vllm:request_inference_time_seconds",
      "vllm:request_prefill_time_seconds", "vllm:request_decode_time_seconds");
  private static final Set<String> LLAMACPP_KNOWN = Set.of("llamacpp:requests_processing", "llamacpp:requests_deferred",
      "llamacpp:n_busy_slots_per_decode", "llamacpp:n_decode_total", "llamacpp:kv_cache_usage_ratio", "llamacpp:tokens_predicted_total");
  private static final Set<String> DCGM_KNOWN = Set.of("DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_POWER_USAGE",
      "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION");

  /** A serving stack's endpoint. */
  public static Reading stack(Exposition e) {
    Map<String, Double> v = new LinkedHashMap<>();
    String stack = detect(e);
    Set<String> known = Set.of();
    switch (stack) {
      case "tgi" -> {
        known = TGI_KNOWN;
        put(v, Canonical.REQUESTS_RUNNING.key, sum(e, "tgi_batch_current_size"));
        put(v, Canonical.BATCH_SIZE.key, sum(e, "tgi_batch_current_size"));
        put(v, Canonical.REQUESTS_WAITING.key, sum(e, "tgi_queue_size"));
        Double used = sum(e, "tgi_batch_current_max_tokens"), budget = sum(e, "tgi_batch_max_total_tokens");
        if (used != null && budget != null && budget > 0) v.put(Canonical.KV_CACHE_USAGE.key, used / budget);
        put(v, Canonical.TOKENS_GENERATED.key, sum(e, "tgi_request_generated_tokens_sum"));
        mean(v, Canonical.QUEUE_TIME, e, "tgi_request_queue_duration", s -> true);
        mean(v, Canonical.INFERENCE_TIME, e, "tgi_request_inference_duration", s -> true);
        mean(v, Canonical.PREFILL_TIME, e, "tgi_batch_forward_duration", s -> "prefill".equals(s.label("method")));
        mean(v, Canonical.DECODE_TIME, e, "tgi_batch_forward_duration", s -> "decode".equals(s.label("method")));
      }
      case "vllm" -> {
        known = VLLM_KNOWN;
        put(v, Canonical.REQUESTS_RUNNING.key, sum(e, "vllm:num_requests_running"));
        put(v, Canonical.BATCH_SIZE.key, sum(e, "vllm:num_requests_running"));
        put(v, Canonical.REQUESTS_WAITING.key, sum(e, "vllm:num_requests_waiting"));
        Double kv = average(e, "vllm:kv_cache_usage_perc");
        put(v, Canonical.KV_CACHE_USAGE.key, kv != null ? kv : average(e, "vllm:gpu_cache_usage_perc"));
        put(v, Canonical.TOKENS_GENERATED.key, sum(e, "vllm:generation_tokens_total"));
        mean(v, Canonical.QUEUE_TIME, e, "vllm:request_queue_time_seconds", s -> true);
        mean(v, Canonical.INFERENCE_TIME, e, "vllm:request_inference_time_seconds", s -> true);
        mean(v, Canonical.PREFILL_TIME, e, "vllm:request_prefill_time_seconds", s -> true);
        mean(v, Canonical.DECODE_TIME, e, "vllm:request_decode_time_seconds", s -> true);
      }
      case "llamacpp" -> {
        known = LLAMACPP_KNOWN;
        put(v, Canonical.REQUESTS_RUNNING.key, sum(e, "llamacpp:requests_processing"));
        put(v, Canonical.REQUESTS_WAITING.key, sum(e, "llamacpp:requests_deferred"));
        Double perDecode = sum(e, "llamacpp:n_busy_slots_per_decode"), decodes = sum(e, "llamacpp:n_decode_total");
        if (perDecode != null && decodes != null) {
          // the server publishes busy slots ÷ decode calls since start: times the calls gives the slots back
          v.put(Canonical.BATCH_SIZE.sumKey(), perDecode * decodes);
          v.put(Canonical.BATCH_SIZE.countKey(), decodes);
        }
        put(v, Canonical.KV_CACHE_USAGE.key, sum(e, "llamacpp:kv_cache_usage_ratio"));
        put(v, Canonical.TOKENS_GENERATED.key, sum(e, "llamacpp:tokens_predicted_total"));
      }
      default -> {
        // nothing known: every series is raw
      }
    }
    return new Reading(stack, v, raw(e, known));
  }

  /** A DCGM exporter's endpoint: GPUs summed (memory, power, energy) or averaged (utilisation). */
  public static Map<String, Double> dcgm(Exposition e) {
    return DcgmReading.of(e, List.of()).values();
  }

  /** The names DCGM publishes that barrage reads. */
  static Set<String> dcgmKnown() {
    return DCGM_KNOWN;
  }

  static String detect(Exposition e) {
    for (MetricFamily f : e.families()) {
      if (f.name().startsWith("tgi_")) return "tgi";
      if (f.name().startsWith("vllm:")) return "vllm";
      if (f.name().startsWith("llamacpp:")) return "llamacpp";
    }
    return "unknown";
  }

  private static void put(Map<String, Double> v, String key, Double value) {
    if (value != null && !value.isNaN()) v.put(key, value);
  }

  private static void mean(Map<String, Double> v, Canonical c, Exposition e, String histogram, Predicate<Sample> which) {
    Double sum = sum(e, histogram + "_sum", which), count = sum(e, histogram + "_count", which);
    if (sum != null && count != null) {
      v.put(c.sumKey(), sum);
      v.put(c.countKey(), count);
    }
  }

  static Double sum(Exposition e, String sample) {
    return sum(e, sample, s -> true);
  }

  private static Double sum(Exposition e, String sample, Predicate<Sample> which) {
    Double total = null;
    for (Sample s : e.samples(sample)) {
      if (!which.test(s) || Double.isNaN(s.value())) continue;
      total = (total == null ? 0 : total) + s.value();
    }
    return total;
  }

  private static Double average(Exposition e, String sample) {
    double total = 0;
    int n = 0;
    for (Sample s : e.samples(sample)) {
      if (Double.isNaN(s.value())) continue;
      total += s.value();
      n++;
    }
    return n == 0 ? null : total / n;
  }

  /** The samples of families not in {@code known}, as {@code name{labels}}, at most {@link ServerTelemetry#RAW_LIMIT}. */
  private static Map<String, Double> raw(Exposition e, Set<String> known) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (MetricFamily f : e.families()) {
      if (known.contains(f.name())) continue;
      for (Sample s : f.samples()) {
        if (out.size() >= ServerTelemetry.RAW_LIMIT) return out;
        if (!Double.isFinite(s.value())) continue;
        out.put(key(s), s.value());
      }
    }
    return out;
  }

  static String key(Sample s) {
    if (s.labels().isEmpty()) return s.name();
    StringBuilder b = new StringBuilder(s.name()).append('{');
    new TreeMap<>(s.labels()).forEach((k, val) -> b.append(k).append("=\"").append(val).append("\","));
    b.setLength(b.length() - 1);
    return b.append('}').toString();
  }
}
