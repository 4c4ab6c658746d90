package io.barrage.coordinator.report;

import io.barrage.coordinator.report.model.CellSummary;
import io.barrage.coordinator.report.model.Eligibility;
import io.barrage.coordinator.report.model.Numbers;
import io.barrage.coordinator.report.model.Summary;
import io.barrage.coordinator.report.model.TargetSummary;
import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.results.CellRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * Which cells a verdict may rest on. A cell whose error rate is above the limit measured a server
 * that was failing (or a client that could not reach it), and a cell without one successful request
 * measured nothing at all: neither may win a recommendation, join the Pareto frontier or make the
 * comparison sentence. A run with a cell that measured nothing is {@code degraded}.
 */
public final class Verdicts {
  private Verdicts() {}

  /** Why the cell may not be used by a verdict, or null when it may. */
  public static String whyExcluded(CellSummary c, double maxErrorRate) {
    CellSummary.Requests r = c.requests();
    String nothing = nothingMeasured(r.ok(), r.errorTotal(), r.warmupExcluded(), r.incomplete());
    if (nothing != null) return "measured nothing: " + nothing;
    if (r.errorRate() != null && r.errorRate() > maxErrorRate) return percent(r.errorRate()) + " errors > " + percent(maxErrorRate);
    return null;
  }

  /**
   * Where a cell's requests went when none of them succeeded ("every request failed (40 errors)",
   * "every request was excluded as warm-up (1000 in the warm-up)"); null when at least one did.
   */
  static String nothingMeasured(long ok, long errors, long warmup, long incomplete) {
    if (ok > 0) return null;
    List<String> where = new ArrayList<>();
    if (errors > 0) where.add(errors + (errors == 1 ? " error" : " errors"));
    if (warmup > 0) where.add(warmup + " in the warm-up");
    if (incomplete > 0) where.add(incomplete + " without an outcome");
    if (where.isEmpty()) return "no request completed";
    if (where.size() == 1 && errors > 0) return "every request failed (" + where.get(0) + ")";
    if (where.size() == 1 && warmup > 0) return "every request was excluded as warm-up (" + where.get(0) + ")";
    return "0 ok (" + String.join(", ", where) + ")";
  }

  /** Every excluded cell of these targets, in order. */
  public static Eligibility eligibility(List<TargetSummary> targets, double maxErrorRate) {
    List<Eligibility.Excluded> out = new ArrayList<>();
    for (TargetSummary t : targets) {
      for (CellSummary c : t.cells()) {
        String why = whyExcluded(c, maxErrorRate);
        if (why != null) out.add(new Eligibility.Excluded(t.name(), c.id(), c.requests().errorRate(), why));
      }
    }
    return new Eligibility(maxErrorRate, out);
  }

  /** Whether a saved summary lets a verdict use this cell (true for files without {@code eligibility}). */
  public static boolean eligible(Summary s, CellSummary c) {
    return s.eligibility() == null || s.eligibility().excluded().stream().noneMatch(x -> x.cell().equals(c.id()));
  }

  /** The targets with only the cells a verdict may use. */
  public static List<TargetSummary> eligibleOnly(List<TargetSummary> targets, double maxErrorRate) {
    List<TargetSummary> out = new ArrayList<>();
    for (TargetSummary t : targets) {
      List<CellSummary> cells = t.cells().stream().filter(c -> whyExcluded(c, maxErrorRate) == null).toList();
      out.add(new TargetSummary(t.name(), t.api(), t.model(), t.deployment(), cells));
    }
    return out;
  }

  /**
   * Why a run that ran to its end is degraded by what it measured (cells with no successful
   * request), or null when every cell measured something.
   */
  public static String emptyCells(List<CellRecord> cells) {
    List<String> empty = new ArrayList<>();
    long errors = 0, ok = 0;
    for (CellRecord c : cells) {
      CellAggregate a = c.aggregate();
      ok += a.ok();
      errors += a.errorCount();
      String why = nothingMeasured(a.ok(), a.errorCount(), a.warmupRequests(), c.incomplete());
      if (why != null) empty.add(c.spec().id() + ": " + why);
    }
    if (empty.isEmpty()) return null;
    if (ok == 0 && errors > 0 && empty.size() == cells.size() && cells.stream().allMatch(c -> c.aggregate().warmupRequests() == 0 && c.incomplete() == 0)) {
      return "every request failed (" + errors + (errors == 1 ? " error" : " errors") + ", 0 ok): nothing was measured";
    }
    return empty.size() + " of " + cells.size() + " cell(s) measured nothing: " + String.join("; ", empty);
  }

  /** A fraction as a percentage with up to two decimals: 0.42 → "42 %", 0.0125 → "1.25 %". */
  static String percent(double fraction) {
    return Numbers.trim(Numbers.round(fraction * 100, 2)) + " %";
  }
}
