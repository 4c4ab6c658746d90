package io.barrage.simulator.http;

import io.barrage.simulator.Profile;
import io.barrage.simulator.engine.Engine;
import io.barrage.simulator.engine.EngineTelemetry;
import io.barrage.simulator.telemetry.PromText;

/**
 * TGI's series that come from the engine's telemetry (docs/telemetry.md): tokens generated per
 * request, per-request inference time and per-forward prefill and decode times, with TGI's buckets
 * (durations {@code 0.0001 × 1.5^k} s, k = 1..35; token counts {@code max_total_tokens / 100 × k},
 * k = 1..100). Counts and sums are exact.
 */
final class TgiEngineMetrics {
  private static final double[] DURATION_BUCKETS = new double[35];

  static {
    double v = 0.0001;
    for (int k = 0; k < 35; k++) {
      v *= 1.5;
      DURATION_BUCKETS[k] = v;
    }
  }

  private TgiEngineMetrics() {}

  static String render(Profile profile, Engine engine) {
    EngineTelemetry t = engine.telemetry();
    double[] tokenBuckets = new double[100];
    for (int k = 0; k < 100; k++) tokenBuckets[k] = Math.max(100, profile.limits().maxTotalTokens()) / 100.0 * (k + 1);
    PromText p = new PromText();
    p.family("tgi_request_generated_tokens", "histogram", null)
        .histogram("tgi_request_generated_tokens", "", t.generatedTokens, tokenBuckets, 1);
    p.family("tgi_request_inference_duration", "histogram", null)
        .histogram("tgi_request_inference_duration", "", t.inferenceMicros, DURATION_BUCKETS, 1e6);
    p.family("tgi_batch_forward_duration", "histogram", null)
        .histogram("tgi_batch_forward_duration", "method=\"prefill\"", t.forwardPrefillMicros, DURATION_BUCKETS, 1e6)
        .histogram("tgi_batch_forward_duration", "method=\"decode\"", t.forwardDecodeMicros, DURATION_BUCKETS, 1e6);
    return p.text();
  }
}
