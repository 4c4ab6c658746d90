package io.barrage.protocol.scenario;

import java.util.List;

/** The checks of {@code workload.load.search} and {@code workload.load.sweep}, each problem with its YAML path. */
final class AdaptiveLoadChecks {
  private AdaptiveLoadChecks() {}

  static final double MAX_LOAD = 1_000_000;

  static void check(LoadSpec l, SloSpec slo, List<ScenarioProblem> out) {
    if (l.search() != null) search(l.search(), slo, out);
    if (l.sweep() != null) sweep(l.sweep(), out);
    if (l.arrivals() != null && l.search() != null && l.search().by() == SearchBy.CONCURRENCY) {
      out.add(new ScenarioProblem("workload.load.arrivals", "only applies to rate (this search is by concurrency)"));
    }
  }

  private static void search(SearchSpec s, SloSpec slo, List<ScenarioProblem> out) {
    String p = "workload.load.search.";
    if (s.by() == null) out.add(new ScenarioProblem(p + "by", "required: rate or concurrency"));
    boolean whole = s.by() == SearchBy.CONCURRENCY;
    if (s.min() == null) {
      out.add(new ScenarioProblem(p + "min", "required: the first load to probe"));
    } else if (!(s.min() > 0) || s.min() > MAX_LOAD || whole && s.min() != Math.rint(s.min())) {
      out.add(new ScenarioProblem(p + "min", (whole ? "must be a whole number of virtual users between 1 and 1000000" : "must be > 0 and <= 1000000 requests/s") + ", got " + s.min()));
    }
    if (s.max() == null) {
      out.add(new ScenarioProblem(p + "max", "required: the highest load to probe"));
    } else if (!(s.max() > 0) || s.max() > MAX_LOAD || whole && s.max() != Math.rint(s.max())) {
      out.add(new ScenarioProblem(p + "max", (whole ? "must be a whole number of virtual users between 1 and 1000000" : "must be > 0 and <= 1000000 requests/s") + ", got " + s.max()));
    } else if (s.min() != null && s.max() <= s.min()) {
      out.add(new ScenarioProblem(p + "max", "must be greater than min (" + s.min() + "), got " + s.max()));
    }
    try {
      double f = s.precisionFraction();
      if (!(f >= 0.001) || f > 1) out.add(new ScenarioProblem(p + "precision", "must be between 0.1% and 100%, got " + s.precision()));
    } catch (IllegalArgumentException e) {
      out.add(new ScenarioProblem(p + "precision", e.getMessage()));
    }
    if (s.probes() != null && (s.probes() < 1 || s.probes() > 1000)) {
      out.add(new ScenarioProblem(p + "probes", "must be between 1 and 1000, got " + s.probes()));
    }
    if (s.time() != null && (s.time().isZero() || s.time().isNegative())) {
      out.add(new ScenarioProblem(p + "time", "must be > 0"));
    }
    boolean gate = slo != null && (slo.ttftP99() != null || slo.tpotP99() != null || slo.e2eP99() != null || slo.maxErrorRate() != null);
    if (!gate) {
      out.add(new ScenarioProblem("slo", "required by workload.load.search: set at least one of ttftP99, tpotP99, e2eP99, maxErrorRate (the objective the search holds)"));
    }
  }

  private static void sweep(SweepSpec s, List<ScenarioProblem> out) {
    if (s.points() != null && (s.points() < 1 || s.points() > 100)) {
      out.add(new ScenarioProblem("workload.load.sweep.points", "must be between 1 and 100, got " + s.points()));
    }
    if (s.saturation() != null && (s.saturation() < 2 || s.saturation() > 1_000_000)) {
      out.add(new ScenarioProblem("workload.load.sweep.saturation", "must be between 2 and 1000000 virtual users, got " + s.saturation()));
    }
  }
}
