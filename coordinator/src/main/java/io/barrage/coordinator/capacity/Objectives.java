package io.barrage.coordinator.capacity;

import io.barrage.coordinator.report.model.Numbers;
import io.barrage.protocol.scenario.SloSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The SLO a search holds, in words: "p99 TTFT ≤ 2 s, errors ≤ 1 %". */
final class Objectives {
  private Objectives() {}

  static String of(SloSpec slo) {
    List<String> parts = new ArrayList<>();
    if (slo != null && slo.ttftP99() != null) parts.add("p99 TTFT ≤ " + duration(slo.ttftP99()));
    if (slo != null && slo.tpotP99() != null) parts.add("p99 TPOT ≤ " + duration(slo.tpotP99()));
    if (slo != null && slo.e2eP99() != null) parts.add("p99 e2e ≤ " + duration(slo.e2eP99()));
    parts.add("errors ≤ " + Numbers.trim(Numbers.round(SloSpec.verdictErrorRateLimit(slo) * 100, 2)) + " %");
    return String.join(", ", parts);
  }

  /** The first latency objective that is set, as a metric key: ttft, tpot, e2e; null when none is. */
  static String latencyMetric(SloSpec slo) {
    if (slo == null) return null;
    return slo.ttftP99() != null ? "ttft" : slo.tpotP99() != null ? "tpot" : slo.e2eP99() != null ? "e2e" : null;
  }

  static Double latencyLimitMs(SloSpec slo) {
    String m = latencyMetric(slo);
    if (m == null) return null;
    Duration d = m.equals("ttft") ? slo.ttftP99() : m.equals("tpot") ? slo.tpotP99() : slo.e2eP99();
    return d.toNanos() / 1e6;
  }

  static String duration(Duration d) {
    return millis(d.toNanos() / 1e6);
  }

  static String millis(double ms) {
    return ms >= 1000 ? Numbers.trim(Numbers.round(ms / 1000, 3)) + " s" : Numbers.trim(Numbers.round(ms, 1)) + " ms";
  }
}
