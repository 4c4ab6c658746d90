package io.barrage.simulator.telemetry;

import io.barrage.common.prometheus.PrometheusText;
import io.barrage.common.prometheus.PrometheusText.Type;
import io.barrage.simulator.Profile;
import io.barrage.simulator.engine.Engine;
import java.util.List;

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
  private final List<String> pods;
  private long lastWall;
  private long lastBusy;

  public DcgmMetricsText(Profile profile, Engine engine) {
    this(profile, engine, List.of());
  }

  /**
   * @param pods the pod holding GPU i ({@code namespace/name}, GPU 0 first), which labels its series
   *     with {@code pod}, {@code namespace} and {@code container} as dcgm-exporter's Kubernetes mapping
   *     does; an empty entry or a GPU past the list: held by no pod, no such labels
   */
  public DcgmMetricsText(Profile profile, Engine engine, List<String> pods) {
    this.profile = profile;
    this.engine = engine;
    this.gpus = PowerModel.of(profile);
    this.pods = List.copyOf(pods);
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
    PrometheusText p = new PrometheusText();
    p.family("DCGM_FI_DEV_GPU_UTIL", Type.GAUGE, "GPU utilization (in %).");
    for (int i = 0; i < gpus.count(); i++) p.sample(Math.round(PowerModel.clamp(u) * 100), labels(i));
    p.family("DCGM_FI_DEV_FB_FREE", Type.GAUGE, "Framebuffer memory free (in MiB).");
    for (int i = 0; i < gpus.count(); i++) p.sample(gpus.memoryMiB() - gpus.memoryUsedMiB(kv), labels(i));
    p.family("DCGM_FI_DEV_FB_USED", Type.GAUGE, "Framebuffer memory used (in MiB).");
    for (int i = 0; i < gpus.count(); i++) p.sample(gpus.memoryUsedMiB(kv), labels(i));
    p.family("DCGM_FI_DEV_POWER_USAGE", Type.GAUGE, "Power draw (in W).");
    for (int i = 0; i < gpus.count(); i++) p.sample(Math.round(gpus.watts(u) * 1000) / 1000.0, labels(i));
    p.family("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", Type.COUNTER, "Total energy consumption since boot (in mJ).");
    for (int i = 0; i < gpus.count(); i++) p.sample(Math.round(joules * 1000), labels(i));
    return p.text();
  }

  private String[] labels(int gpu) {
    String[] base = {"gpu", Integer.toString(gpu), "UUID", "GPU-barrage-sim-" + gpu, "device", "nvidia" + gpu, "modelName",
        gpus.modelName(), "Hostname", "barrage-simulator"};
    String pod = gpu < pods.size() ? pods.get(gpu) : "";
    if (pod.isEmpty()) return base;
    int slash = pod.indexOf('/');
    String[] out = java.util.Arrays.copyOf(base, base.length + 6);
    out[base.length] = "container";
    out[base.length + 1] = "server";
    out[base.length + 2] = "namespace";
    out[base.length + 3] = pod.substring(0, slash);
    out[base.length + 4] = "pod";
    out[base.length + 5] = pod.substring(slash + 1);
    return out;
  }
}
