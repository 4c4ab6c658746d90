package io.barrage.simulator.telemetry;

import io.barrage.simulator.Profile;
import io.barrage.simulator.engine.Engine;

/**
 * {@code GET /dcgm/metrics}: what NVIDIA's DCGM exporter serves on {@code :9400/metrics}, for the
 * simulated GPUs of {@link PowerModel}: per GPU ({@code gpu}, {@code UUID}, {@code device},
 * {@code modelName}, {@code Hostname} labels) utilisation ({@code DCGM_FI_DEV_GPU_UTIL}, %), memory
 * ({@code DCGM_FI_DEV_FB_USED} and {@code _FREE}, MiB), power ({@code DCGM_FI_DEV_POWER_USAGE}, W) and
 * the energy counter ({@code DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION}, mJ). Utilisation and power are
 * over the time since the previous scrape (since the start for the first), as DCGM averages over its
 * sampling period; the energy counter is exact at every scrape.
 */
public final class DcgmMetricsText {
  private final Profile profile;
  private final Engine engine;
  private final PowerModel gpus;
  private long lastWall;
  private long lastBusy;

  public DcgmMetricsText(Profile profile, Engine engine) {
    this.profile = profile;
    this.engine = engine;
    this.gpus = PowerModel.of(profile);
    this.lastWall = engine.telemetry().startNanos();
  }

  public synchronized String render() {
    long now = System.nanoTime();
    long busy = engine.telemetry().busyNanos();
    long start = engine.telemetry().startNanos();
    double u = now > lastWall ? (busy - lastBusy) / (double) (now - lastWall) : 0;
    lastWall = now;
    lastBusy = busy;
    double kv = VllmMetricsText.kvUsage(profile, engine);
    double joules = gpus.joules((now - start) / 1e9, busy / 1e9);
    PromText p = new PromText();
    p.family("DCGM_FI_DEV_GPU_UTIL", "gauge", "GPU utilization (in %).");
    for (int i = 0; i < gpus.count(); i++) p.sample("DCGM_FI_DEV_GPU_UTIL", labels(i), Math.round(PowerModel.clamp(u) * 100));
    p.family("DCGM_FI_DEV_FB_FREE", "gauge", "Framebuffer memory free (in MiB).");
    for (int i = 0; i < gpus.count(); i++) p.sample("DCGM_FI_DEV_FB_FREE", labels(i), gpus.memoryMiB() - gpus.memoryUsedMiB(kv));
    p.family("DCGM_FI_DEV_FB_USED", "gauge", "Framebuffer memory used (in MiB).");
    for (int i = 0; i < gpus.count(); i++) p.sample("DCGM_FI_DEV_FB_USED", labels(i), gpus.memoryUsedMiB(kv));
    p.family("DCGM_FI_DEV_POWER_USAGE", "gauge", "Power draw (in W).");
    for (int i = 0; i < gpus.count(); i++) p.sample("DCGM_FI_DEV_POWER_USAGE", labels(i), Math.round(gpus.watts(u) * 1000) / 1000.0);
    p.family("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", "counter", "Total energy consumption since boot (in mJ).");
    for (int i = 0; i < gpus.count(); i++) p.sample("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", labels(i), Math.round(joules * 1000));
    return p.text();
  }

  private String labels(int gpu) {
    return "gpu=\"" + gpu + "\",UUID=\"GPU-barrage-sim-" + gpu + "\",device=\"nvidia" + gpu + "\",modelName=\""
        + PromText.label(gpus.modelName()) + "\",Hostname=\"barrage-simulator\"";
  }
}
