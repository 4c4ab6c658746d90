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

  static String duration(Duration d) {
    return millis(d.toNanos() / 1e6);
  }

  static String millis(double ms) {
    return ms >= 1000 ? Numbers.trim(Numbers.round(ms / 1000, 3)) + " s" : Numbers.trim(Numbers.round(ms, 1)) + " ms";
  }
}
