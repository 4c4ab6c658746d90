package io.barrage.simulator.telemetry;

import io.barrage.simulator.Profile;
import java.util.Locale;

/**
 * The simulated GPUs' power, utilisation and memory (docs/telemetry.md, "Power model"): every GPU
 * of a profile draws {@code idle + (max − idle) × u}, where {@code u} is the share of wall time the
 * simulated engine spent in forward steps (tensor parallelism keeps all GPUs of a server busy
 * together); its energy is the integral of that, {@code idle × t + (max − idle) × busy}. Memory used
 * is the weights and runtime (55 % of the GPU's memory) plus the KV cache in use (up to 40 %).
 *
 * <p>The idle and maximum powers are assumed board figures per GPU model, not measurements: they make
 * energy per token move with load the way a real GPU's does (idle power spread over fewer tokens at
 * low load), which is what the end-to-end tests check.
 *
 * @param count GPUs of the server (the number before the first {@code -} of the profile's compute type)
 * @param modelName as DCGM names the GPU
 */
public record PowerModel(int count, String modelName, double idleWatts, double maxWatts, long memoryMiB) {

  public static PowerModel of(Profile profile) {
    String type = profile.computeType() == null ? "" : profile.computeType().toLowerCase(Locale.ROOT);
    int count = 1;
    int dash = type.indexOf('-');
    if (dash > 0 && type.substring(0, dash).matches("[0-9]+")) count = Math.max(1, Integer.parseInt(type.substring(0, dash)));
    if (type.contains("a100")) return new PowerModel(count, "NVIDIA A100-SXM4-40GB", 50, 400, 40_960);
    if (type.contains("rtx-a4000")) return new PowerModel(count, "NVIDIA RTX A4000", 15, 140, 16_376);
    if (type.contains("a10g")) return new PowerModel(count, "NVIDIA A10G", 25, 300, 23_028);
    return new PowerModel(count, "NVIDIA simulated GPU", 50, 300, 24_576);
  }

  /** Watts of one GPU busy for share {@code u} (0..1) of the time. */
  public double watts(double u) {
    return idleWatts + (maxWatts - idleWatts) * clamp(u);
  }

  /** Joules one GPU used over {@code elapsedSeconds} of which it was busy {@code busySeconds}. */
  public double joules(double elapsedSeconds, double busySeconds) {
    return idleWatts * elapsedSeconds + (maxWatts - idleWatts) * Math.min(busySeconds, elapsedSeconds);
  }

  /** MiB used on one GPU with the KV cache {@code kvUsage} (0..1) full. */
  public long memoryUsedMiB(double kvUsage) {
    return Math.round(memoryMiB * (0.55 + 0.40 * clamp(kvUsage)));
  }

  static double clamp(double u) {
    return Math.max(0, Math.min(1, u));
  }
}
