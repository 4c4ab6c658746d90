package io.barrage.protocol.scenario;

/**
 * At which load level each recommendation is judged; defaults are the SageMaker benchmark's
 * (cost at 5 concurrent requests, latency at 1, throughput at 20).
 */
public record RecommendationSpec(Integer costAtConcurrency, Integer latencyAtConcurrency, Integer throughputAtConcurrency) {}
