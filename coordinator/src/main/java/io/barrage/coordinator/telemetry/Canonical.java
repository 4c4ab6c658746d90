package io.barrage.coordinator.telemetry;

import java.util.List;

/**
 * The canonical server-side series barrage reads from a stack's or a GPU exporter's metrics
 * (docs/telemetry.md). A sample holds a {@link Kind#GAUGE} under its key, a {@link Kind#COUNTER}
 * cumulative under its key, and a {@link Kind#MEAN} as two cumulative values, {@code key.sum} and
 * {@code key.count}, whose deltas give the mean over any stretch of time (a histogram's sum and count,
 * or llama.cpp's busy slots and decode calls).
 */
public enum Canonical {
  REQUESTS_RUNNING("requestsRunning", Kind.GAUGE, "requests", 1),
  REQUESTS_WAITING("requestsWaiting", Kind.GAUGE, "requests", 1),
  BATCH_SIZE("batchSize", Kind.GAUGE, "requests", 1),
  KV_CACHE_USAGE("kvCacheUsage", Kind.GAUGE, "fraction 0..1", 1),
  TOKENS_GENERATED("tokensGenerated", Kind.COUNTER, "tokens", 1),
  QUEUE_TIME("queueTime", Kind.MEAN, "ms", 1000),
  INFERENCE_TIME("inferenceTime", Kind.MEAN, "ms", 1000),
  PREFILL_TIME("prefillTime", Kind.MEAN, "ms", 1000),
  DECODE_TIME("decodeTime", Kind.MEAN, "ms", 1000),
  GPU_UTILIZATION("gpuUtilization", Kind.GAUGE, "%", 1),
  GPU_MEMORY_USED("gpuMemoryUsedMiB", Kind.GAUGE, "MiB", 1),
  GPU_POWER("gpuPowerWatts", Kind.GAUGE, "W", 1),
  GPU_ENERGY("gpuEnergyJoules", Kind.COUNTER, "J", 1);

  /** How a series is kept and summarised. */
  public enum Kind {
    /** read as it is; mean and max over the samples */
    GAUGE,
    /** cumulative; the delta over a stretch, and its rate per second */
    COUNTER,
    /** cumulative sum and count; delta sum ÷ delta count over a stretch */
    MEAN
  }

  public final String key;
  public final Kind kind;
  public final String unit;
  /** multiplies the published value into {@link #unit} (seconds to ms) */
  public final double scale;

  Canonical(String key, Kind kind, String unit, double scale) {
    this.key = key;
    this.kind = kind;
    this.unit = unit;
    this.scale = scale;
  }

  public String sumKey() {
    return key + ".sum";
  }

  public String countKey() {
    return key + ".count";
  }

  /** The stack series (everything but the GPU's). */
  public static List<Canonical> stack() {
    return List.of(REQUESTS_RUNNING, REQUESTS_WAITING, BATCH_SIZE, KV_CACHE_USAGE, TOKENS_GENERATED, QUEUE_TIME, INFERENCE_TIME,
        PREFILL_TIME, DECODE_TIME);
  }

  public static List<Canonical> gpu() {
    return List.of(GPU_UTILIZATION, GPU_MEMORY_USED, GPU_POWER, GPU_ENERGY);
  }
}
