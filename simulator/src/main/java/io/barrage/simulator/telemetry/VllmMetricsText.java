package io.barrage.simulator.telemetry;

import io.barrage.common.prometheus.PrometheusText;
import io.barrage.common.prometheus.PrometheusText.Type;
import io.barrage.simulator.Profile;
import io.barrage.simulator.engine.Engine;
import io.barrage.simulator.engine.EngineTelemetry;

/**
 * {@code /metrics} with vLLM's names (V1 engine, 0.11/0.12: {@code vllm/v1/metrics/loggers.py}),
 * labelled {@code model_name} and {@code engine} as vLLM labels them, values from the simulated engine.
 */
public final class VllmMetricsText {
  /** vLLM's {@code request_latency_buckets}, seconds. */
  static final double[] REQUEST_BUCKETS = {0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0,
      120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0};

  private VllmMetricsText() {}

  public static String render(Profile profile, Engine engine) {
    EngineTelemetry t = engine.telemetry();
    String[] labels = {"engine", "0", "model_name", profile.modelId()};
    PrometheusText p = new PrometheusText();
    p.family("vllm:num_requests_running", Type.GAUGE, "Number of requests in model execution batches.")
        .sample(engine.batchSize(), labels);
    p.family("vllm:num_requests_waiting", Type.GAUGE, "Number of requests waiting to be processed.")
        .sample(engine.queueSize(), labels);
    p.family("vllm:kv_cache_usage_perc", Type.GAUGE, "KV-cache usage. 1 means 100 percent usage.")
        .sample(kvUsage(profile, engine), labels);
    p.family("vllm:prompt_tokens_total", Type.COUNTER, "Number of prefill tokens processed.")
        .sample(t.promptTokens(), labels);
    p.family("vllm:generation_tokens_total", Type.COUNTER, "Number of generation tokens processed.")
        .sample(engine.tokensEmitted(), labels);
    histogram(p, "vllm:request_queue_time_seconds", "Histogram of time spent in WAITING phase for request.", labels, t.queueMicros);
    histogram(p, "vllm:request_inference_time_seconds", "Histogram of time spent in RUNNING phase for request.", labels, t.inferenceMicros);
    histogram(p, "vllm:request_prefill_time_seconds", "Histogram of time spent in PREFILL phase for request.", labels, t.prefillMicros);
    histogram(p, "vllm:request_decode_time_seconds", "Histogram of time spent in DECODE phase for request.", labels, t.decodeMicros);
    return p.text();
  }

  private static void histogram(PrometheusText p, String name, String help, String[] labels, SimHistogram h) {
    h.writeTo(p.family(name, Type.HISTOGRAM, help), REQUEST_BUCKETS, 1e6, labels);
  }

  /** The running batch's KV reservation over the KV budget, 0..1. */
  static double kvUsage(Profile profile, Engine engine) {
    long budget = profile.limits().maxBatchTotalTokens();
    return budget <= 0 ? 0 : Math.min(1.0, engine.batchReservedTokens() / (double) budget);
  }
}
