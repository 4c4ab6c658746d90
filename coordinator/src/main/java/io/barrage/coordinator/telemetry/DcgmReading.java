package io.barrage.coordinator.telemetry;

import io.barrage.common.prometheus.Exposition;
import io.barrage.common.prometheus.Sample;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One scrape of one DCGM exporter reduced to the GPUs that serve the target (docs/telemetry.md, "GPUs
 * on several nodes"). With Kubernetes mapping on, dcgm-exporter labels the series of a GPU that a
 * container holds with that pod's {@code pod}, {@code namespace} and {@code container}; a GPU no pod
 * holds carries none of them. So:
 *
 * <ul>
 *   <li>no pods asked for ({@code metrics.dcgm}, or an exporter without {@code pods}): every GPU
 *       the page reports ({@link Selection#ALL});
 *   <li>pods asked for and the page labels some GPU with a pod: only the GPUs whose {@code
 *       namespace}/{@code pod} is one of them ({@link Selection#POD_LABELS});
 *   <li>pods asked for but no GPU carries a pod label (mapping off): every GPU of the node, which
 *       counts GPUs other workloads on the node may hold ({@link Selection#NODE}).
 * </ul>
 *
 * A GPU is one {@code UUID} (else {@code gpu}) label value; a GPU listed twice (two containers sharing
 * it) is counted once.
 *
 * @param gpus GPUs counted
 * @param utilisationSum the counted GPUs' utilisation (%) summed, to average over GPUs of all exporters
 * @param utilisationGpus GPUs that published utilisation
 * @param memoryMiB framebuffer used, summed; null when not published
 * @param watts power, summed; null when not published
 * @param energyJoules the energy counters (since the GPUs' boot), summed; null when not published
 */
record DcgmReading(int gpus, double utilisationSum, int utilisationGpus, Double memoryMiB, Double watts, Double energyJoules,
    Selection selection) {

  /** How the exporter's GPUs were chosen. */
  enum Selection {
    ALL("every-gpu"),
    POD_LABELS("pod-labels"),
    NODE("node-without-pod-labels");

    final String shown;

    Selection(String shown) {
      this.shown = shown;
    }
  }

  static DcgmReading of(Exposition e, List<String> pods) {
    Selection sel = Selection.ALL;
    if (!pods.isEmpty()) {
      boolean labelled = false;
      for (String name : StackNames.dcgmKnown()) {
        for (Sample s : e.samples(name)) {
          String pod = s.label("pod");
          if (pod != null && !pod.isEmpty()) labelled = true;
        }
      }
      sel = labelled ? Selection.POD_LABELS : Selection.NODE;
    }
    Set<String> wanted = Set.copyOf(pods);
    Selection chosen = sel;
    Map<String, Double> util = perGpu(e, "DCGM_FI_DEV_GPU_UTIL", chosen, wanted);
    Map<String, Double> memory = perGpu(e, "DCGM_FI_DEV_FB_USED", chosen, wanted);
    Map<String, Double> power = perGpu(e, "DCGM_FI_DEV_POWER_USAGE", chosen, wanted);
    Map<String, Double> energy = perGpu(e, "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", chosen, wanted);
    Set<String> gpus = new HashSet<>();
    for (Map<String, Double> m : List.of(util, memory, power, energy)) gpus.addAll(m.keySet());
    double u = 0;
    for (double x : util.values()) u += x;
    Double mj = sum(energy);
    return new DcgmReading(gpus.size(), u, util.size(), sum(memory), sum(power), mj == null ? null : mj / 1000.0, sel);
  }

  /** The canonical values of this reading alone (what {@link StackNames#dcgm} gives for a whole page). */
  Map<String, Double> values() {
    Map<String, Double> v = new LinkedHashMap<>();
    if (utilisationGpus > 0) v.put(Canonical.GPU_UTILIZATION.key, utilisationSum / utilisationGpus);
    if (memoryMiB != null) v.put(Canonical.GPU_MEMORY_USED.key, memoryMiB);
    if (watts != null) v.put(Canonical.GPU_POWER.key, watts);
    if (energyJoules != null) v.put(Canonical.GPU_ENERGY.key, energyJoules);
    return v;
  }

  private static Map<String, Double> perGpu(Exposition e, String name, Selection sel, Set<String> pods) {
    Map<String, Double> out = new LinkedHashMap<>();
    int i = 0;
    for (Sample s : e.samples(name)) {
      i++;
      if (Double.isNaN(s.value())) continue;
      if (sel == Selection.POD_LABELS && !heldBy(s, pods)) continue;
      String id = s.label("UUID") != null ? s.label("UUID") : s.label("gpu") != null ? s.label("gpu") : "#" + i;
      out.putIfAbsent(id, s.value());
    }
    return out;
  }

  /** Whether a GPU series names one of {@code pods} ({@code namespace/name}); without a namespace label, by name alone. */
  private static boolean heldBy(Sample s, Set<String> pods) {
    String pod = s.label("pod");
    if (pod == null || pod.isEmpty()) return false;
    String ns = s.label("namespace");
    if (ns != null && !ns.isEmpty()) return pods.contains(ns + "/" + pod);
    for (String p : pods) if (p.endsWith("/" + pod)) return true;
    return false;
  }

  private static Double sum(Map<String, Double> m) {
    if (m.isEmpty()) return null;
    double t = 0;
    for (double x : m.values()) t += x;
    return t;
  }
}
