package io.barrage.simulator.http;

import io.barrage.common.prometheus.PrometheusText;
import io.barrage.common.prometheus.PrometheusText.Type;
import io.barrage.simulator.Profile;
import io.barrage.simulator.engine.Engine;
import io.barrage.simulator.engine.EngineTelemetry;

/**
 * TGI's series that come from the engine's telemetry (docs/telemetry.md): tokens generated per
 * request, per-request inference time and per-forward prefill and decode times, with TGI's buckets
 * (durations {@code 0.0001 × 1.5^k} s, k = 1..35; token counts {@code max_total_tokens / 100 × k},
 * k = 1..100). Counts and sums are exact. TGI writes no {@code # HELP} lines.
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

  static void render(PrometheusText p, Profile profile, Engine engine) {
    EngineTelemetry t = engine.telemetry();
    double[] tokenBuckets = new double[100];
    for (int k = 0; k < 100; k++) tokenBuckets[k] = Math.max(100, profile.limits().maxTotalTokens()) / 100.0 * (k + 1);
    t.generatedTokens.writeTo(p.family("tgi_request_generated_tokens", Type.HISTOGRAM, null), tokenBuckets, 1);
    t.inferenceMicros.writeTo(p.family("tgi_request_inference_duration", Type.HISTOGRAM, null), DURATION_BUCKETS, 1e6);
    p.family("tgi_batch_forward_duration", Type.HISTOGRAM, null);
    t.forwardPrefillMicros.writeTo(p, DURATION_BUCKETS, 1e6, "method", "prefill");
    t.forwardDecodeMicros.writeTo(p, DURATION_BUCKETS, 1e6, "method", "decode");
  }
}
