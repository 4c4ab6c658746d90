package io.barrage.coordinator.capacity;

import io.barrage.coordinator.report.model.Capacity;
import io.barrage.coordinator.report.model.CapacityComparison;
import io.barrage.coordinator.report.model.Numbers;
import io.barrage.coordinator.report.model.Summary;
import io.barrage.coordinator.report.model.TargetSummary;
import java.util.List;

/** The capacity lines of the command line's summary: every search's answer, its probes in order, the head-to-head. */
public final class CapacityText {
  private CapacityText() {}

  /** Empty without a capacity search. */
  public static String render(Summary s) {
    StringBuilder b = new StringBuilder();
    for (TargetSummary t : s.targets()) {
      List<Capacity> all = t.capacities() != null ? t.capacities() : t.capacity() != null ? List.of(t.capacity()) : List.of();
      for (Capacity c : all) {
        b.append("\ncapacity ").append(c.target()).append(" (m").append(c.maxNewTokens()).append(c.repeat() > 1 ? ", repeat " + c.repeat() : "").append("): ")
            .append(c.said()).append('\n');
        if (c.cell() != null) {
          b.append("  at capacity (").append(c.cell()).append("): ");
          if (c.goodput() != null && c.goodput().requestsPerSecond() != null) {
            b.append("goodput ").append(Numbers.fmt(c.goodput().requestsPerSecond(), 2)).append(" requests/s (")
                .append(Numbers.fmt(c.goodput().fraction() == null ? null : c.goodput().fraction() * 100, 1)).append(" % good), ");
          }
          b.append(Numbers.fmt(c.usdPer1MTokens(), 2)).append(" USD per 1M tokens\n");
        }
        b.append("  probes:");
        for (Capacity.Probe p : c.steps()) {
          b.append(' ').append(Numbers.trim(p.load())).append(p.met() == null ? "(cut)" : p.met() ? "✓" : "✗");
        }
        b.append('\n');
      }
    }
    if (s.capacity() != null) {
      for (CapacityComparison cc : s.capacity()) b.append('\n').append(cc.sentence()).append('\n');
    }
    return b.toString();
  }
}
