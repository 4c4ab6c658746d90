package io.barrage.coordinator.report;

import io.barrage.coordinator.report.model.Capacity;
import io.barrage.coordinator.report.model.Numbers;
import io.barrage.coordinator.report.model.Summary;
import io.barrage.coordinator.report.model.TargetSummary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code capacity.csv}: one row per capacity search (target × maxNewTokens × repeat), the answer of
 * {@code targets[].capacity} in columns; written beside results.csv only when the run searched.
 * Quoted like results.csv.
 */
public final class CapacityCsv {
  public static final String FILE = "capacity.csv";
  public static final List<String> HEADER = List.of(
      "target", "max_new_tokens", "repeat", "by", "sustained", "at_least", "first_violation", "precision", "reached", "probes", "end",
      "confirmed", "cell", "goodput_requests_per_second", "goodput_fraction", "usd_per_1m_tokens", "objective");

  private CapacityCsv() {}

  /** Every search of the run; empty (no row, no header) when the run searched nothing. */
  public static List<Capacity> searches(Summary s) {
    List<Capacity> out = new ArrayList<>();
    for (TargetSummary t : s.targets()) {
      if (t.capacities() != null) out.addAll(t.capacities());
      else if (t.capacity() != null) out.add(t.capacity());
    }
    return out;
  }

  /** The file's text; null when the run searched nothing. */
  public static String render(Summary s) {
    List<Capacity> all = searches(s);
    if (all.isEmpty()) return null;
    StringBuilder b = new StringBuilder();
    row(b, HEADER);
    for (Capacity c : all) {
      var g = c.goodput();
      row(b, Arrays.asList(c.target(), Integer.toString(c.maxNewTokens()), Integer.toString(c.repeat()), c.by(), num(c.sustained()),
          Boolean.toString(c.atLeast()), num(c.firstViolation()), num(c.precision()), num(c.reached()), Integer.toString(c.probes()), c.end(),
          Boolean.toString(c.confirmed()), c.cell(), num(g == null ? null : g.requestsPerSecond()), num(g == null ? null : g.fraction()),
          num(c.usdPer1MTokens()), c.objective()));
    }
    return b.toString();
  }

  private static String num(Double v) {
    return v == null || !Double.isFinite(v) ? null : Numbers.trim(v);
  }

  private static void row(StringBuilder b, List<String> cells) {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) b.append(',');
      b.append(CsvWriter.quote(cells.get(i)));
    }
    b.append("\r\n");
  }
}
