package io.barrage.simulator.telemetry;

import io.barrage.common.prometheus.PrometheusText;
import io.barrage.common.prometheus.PrometheusText.Type;
import io.barrage.simulator.engine.Engine;
import io.barrage.simulator.engine.EngineTelemetry;

/**
 * {@code /metrics} with llama.cpp server's names ({@code llama-server --metrics}, builds of late 2025:
 * {@code tools/server}), values from the simulated engine: one forward step is one
 * {@code llama_decode()} call, the requests it carries are its busy slots.
 */
public final class LlamaCppMetricsText {
  private LlamaCppMetricsText() {}

  public static String render(Engine engine) {
    EngineTelemetry t = engine.telemetry();
    double promptSeconds = t.forwardPrefillMicros.sum() / 1e6;
    double decodeSeconds = t.forwardDecodeMicros.sum() / 1e6;
    long decodes = t.forwardCalls();
    PrometheusText p = new PrometheusText();
    counter(p, "prompt_tokens_total", "Number of prompt tokens processed.", t.promptTokens());
    counter(p, "prompt_seconds_total", "Prompt process time", promptSeconds);
    counter(p, "tokens_predicted_total", "Number of generation tokens processed.", engine.tokensEmitted());
    counter(p, "tokens_predicted_seconds_total", "Predict process time", decodeSeconds);
    counter(p, "n_decode_total", "Total number of llama_decode() calls", decodes);
    counter(p, "n_busy_slots_per_decode", "Average number of busy slots per llama_decode() call",
        t.busySlots() / (double) Math.max(1, decodes));
    gauge(p, "prompt_tokens_seconds", "Average prompt throughput in tokens/s.", promptSeconds > 0 ? t.promptTokens() / promptSeconds : 0);
    gauge(p, "predicted_tokens_seconds", "Average generation throughput in tokens/s.", decodeSeconds > 0 ? engine.tokensEmitted() / decodeSeconds : 0);
    gauge(p, "requests_processing", "Number of requests processing.", engine.batchSize());
    gauge(p, "requests_deferred", "Number of requests deferred.", engine.queueSize());
    return p.text();
  }

  private static void counter(PrometheusText p, String name, String help, double v) {
    p.family("llamacpp:" + name, Type.COUNTER, help).sample(v);
  }

  private static void gauge(PrometheusText p, String name, String help, double v) {
    p.family("llamacpp:" + name, Type.GAUGE, help).sample(v);
  }
}
