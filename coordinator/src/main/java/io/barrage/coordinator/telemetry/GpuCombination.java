package io.barrage.coordinator.telemetry;

import io.barrage.protocol.results.ServerTelemetry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The GPUs of one target over one cell, read from one DCGM exporter or several (one per node that
 * runs a pod of the target), combined into one {@code dcgm} sample per round of scrapes
 * (docs/telemetry.md, "GPUs on several nodes"): power, memory and energy summed over the exporters,
 * utilisation averaged over all their GPUs.
 *
 * <p>An exporter whose scrape of a round failed (or was skipped behind a slow one) counts with its
 * last reading while that is at most {@code hold} old, as a Prometheus {@code sum()} uses each
 * series' latest sample within its look-back; past that, or before its first reading, the round lacks
 * it and the cell's GPU figures are marked partial, naming it. A round in which no exporter answered
 * adds no sample, so a single exporter behaves as it did alone. Energy is summed as each exporter's
 * own counter increase since its first reading in the cell (a restart counted from zero), so an
 * exporter that is late or misses rounds never makes the sum jump, and its energy in the rounds it
 * missed is caught up by its next reading.
 *
 * <p>Not thread-safe: its cell's lock guards it.
 */
final class GpuCombination {
  private final List<Source> sources = new ArrayList<>();
  private final long holdMs;
  private final Set<String> missing = new LinkedHashSet<>();
  private boolean partial;
  private int gpus;

  /** @param names how each exporter is named in reports (its node, else its URL), in scrape order */
  GpuCombination(List<String> names, long holdMs) {
    for (String n : names) sources.add(new Source(n));
    this.holdMs = holdMs;
  }

  /** A successful scrape of exporter {@code index}, taken at {@code at} (epoch ms). */
  void read(int index, DcgmReading r, long at) {
    Source s = sources.get(index);
    s.last = r;
    s.lastAt = at;
    if (r.energyJoules() != null) {
      if (s.energyRaw != null) s.energyIncrease += r.energyJoules() >= s.energyRaw ? r.energyJoules() - s.energyRaw : r.energyJoules();
      s.energyRaw = r.energyJoules();
    }
  }

  /**
   * The round that began at {@code roundStartMs} has ended: its combined values, or null when no
   * exporter answered in it.
   */
  Map<String, Double> combine(long roundStartMs, long nowMs) {
    boolean fresh = false;
    for (Source s : sources) if (s.last != null && s.lastAt >= roundStartMs) fresh = true;
    if (!fresh) {
      for (Source s : sources) if (s.last == null) note(s);
      return null;
    }
    int n = 0, utilGpus = 0;
    double util = 0, watts = 0, mib = 0, joules = 0;
    boolean anyWatts = false, anyMemory = false, energy = true;
    for (Source s : sources) {
      if (s.last == null || nowMs - s.lastAt > holdMs) {
        note(s);
        continue;
      }
      DcgmReading r = s.last;
      n += r.gpus();
      util += r.utilisationSum();
      utilGpus += r.utilisationGpus();
      if (r.watts() != null) {
        watts += r.watts();
        anyWatts = true;
      }
      if (r.memoryMiB() != null) {
        mib += r.memoryMiB();
        anyMemory = true;
      }
      if (r.energyJoules() == null) energy = false;
    }
    for (Source s : sources) if (s.energyRaw != null) joules += s.energyIncrease;
    gpus = Math.max(gpus, n);
    Map<String, Double> v = new LinkedHashMap<>();
    if (utilGpus > 0) v.put(Canonical.GPU_UTILIZATION.key, util / utilGpus);
    if (anyMemory) v.put(Canonical.GPU_MEMORY_USED.key, mib);
    if (anyWatts) v.put(Canonical.GPU_POWER.key, watts);
    if (energy && n > 0) v.put(Canonical.GPU_ENERGY.key, joules);
    return v;
  }

  private void note(Source s) {
    partial = true;
    missing.add(s.name);
  }

  /** The cell's GPU coverage so far; an exporter never read is missing even before a round ends. */
  ServerTelemetry.Gpus coverage() {
    Set<String> names = new LinkedHashSet<>(missing);
    boolean p = partial;
    for (Source s : sources) {
      if (s.last == null) {
        names.add(s.name);
        p = true;
      }
    }
    return new ServerTelemetry.Gpus(sources.size(), gpus, p, List.copyOf(names));
  }

  private static final class Source {
    final String name;
    DcgmReading last;
    long lastAt;
    Double energyRaw;
    double energyIncrease;

    Source(String name) {
      this.name = name;
    }
  }
}
