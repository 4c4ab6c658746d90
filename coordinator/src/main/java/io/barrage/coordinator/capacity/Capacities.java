package io.barrage.coordinator.capacity;

import io.barrage.coordinator.report.model.Capacity;
import io.barrage.coordinator.report.model.CapacityComparison;
import io.barrage.coordinator.report.model.CellSummary;
import io.barrage.coordinator.report.model.Numbers;
import io.barrage.coordinator.report.model.TargetSummary;
import io.barrage.protocol.plan.CapacitySearch;
import io.barrage.protocol.results.CellRecord;
import io.barrage.protocol.results.RunRecord;
import io.barrage.protocol.scenario.ComparisonSpec;
import io.barrage.protocol.scenario.Scenario;
import io.barrage.protocol.scenario.SearchSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The answers of a run's capacity searches, replayed from its recorded cells with the same
 * {@link CapacitySearch} and {@link ProbeJudge} the run decided with, so that the result files say
 * exactly what the run did: the capacity of each target, how the search ended, every probe in order
 * with its phase and what it missed; and the head-to-head of the capacities.
 */
public final class Capacities {
  private Capacities() {}

  /** Every search of the run, by target name (empty without {@code workload.load.search}). */
  public static Map<String, List<Capacity>> of(RunRecord run, List<TargetSummary> targets) {
    Map<String, List<Capacity>> out = new LinkedHashMap<>();
    Scenario sc = run.scenario();
    if (sc.workload().load().search() == null) return out;
    Map<String, CellSummary> cells = new LinkedHashMap<>();
    for (TargetSummary t : targets) for (CellSummary c : t.cells()) cells.put(c.id(), c);
    for (SearchKey k : SearchKey.all(sc)) {
      out.computeIfAbsent(k.target().name(), n -> new ArrayList<>()).add(search(sc, k, run.cells(), cells));
    }
    return out;
  }

  private static Capacity search(Scenario sc, SearchKey k, List<CellRecord> records, Map<String, CellSummary> cells) {
    SearchSpec spec = sc.workload().load().search();
    List<CapacitySearch.Probe> probes = new ArrayList<>();
    List<Capacity.Probe> steps = new ArrayList<>();
    boolean cut = false;
    for (CellRecord r : records) {
      if (!k.owns(r.spec())) continue;
      String phase = CapacitySearch.next(spec, probes) instanceof CapacitySearch.Step.Measure m ? m.phase().name().toLowerCase(Locale.ROOT) : null;
      double level = SearchCells.level(r.spec().load());
      if (r.cut()) {
        cut = true;
        steps.add(new Capacity.Probe(steps.size() + 1, r.spec().id(), level, phase, null, "cut short: not judged"));
        continue;
      }
      String why = ProbeJudge.missed(cells.get(r.spec().id()), sc.slo());
      probes.add(new CapacitySearch.Probe(level, why == null, r.startedAtEpochMs(), r.endedAtEpochMs()));
      steps.add(new Capacity.Probe(steps.size() + 1, r.spec().id(), level, phase, why == null, why));
    }
    CapacitySearch.State s = CapacitySearch.state(probes);
    CapacitySearch.Step next = CapacitySearch.next(spec, probes);
    String end = cut || next instanceof CapacitySearch.Step.Measure ? "interrupted"
        : ((CapacitySearch.Step.Done) next).end().name().toLowerCase(Locale.ROOT).replace('_', '-');
    double sustained = s.sustained() == null ? 0 : s.sustained();
    String cell = null;
    for (Capacity.Probe p : steps) if (s.sustained() != null && p.load() == sustained && Boolean.TRUE.equals(p.met())) cell = p.cell();
    CellSummary at = cell == null ? null : cells.get(cell);
    Double usd = at == null || at.cost() == null ? null : at.cost().usdPer1MTokens();
    Double reached = s.sustained() == null || s.firstViolation() == null ? null : Numbers.round((s.firstViolation() - sustained) / sustained, 4);
    boolean atLeast = "at-max".equals(end);
    String by = spec.by().yamlName();
    String said = cut ? k.target().name() + ": probe " + steps.size() + " was cut short (the run was stopped or interrupted, or lost its workers), so the search ended there ("
        + steps.size() + " probes); " + bracket(spec, s) : said(k.target().name(), sc, spec, end, s, steps.size(), reached);
    return new Capacity(k.target().name(), k.maxNewTokens(), k.repeat(), by, sustained, s.firstViolation(), atLeast, spec.precisionFraction(),
        reached, steps.size(), cell, at == null ? null : at.goodput(), usd, end, s.confirmed(), said, Objectives.of(sc.slo()), Objectives.latencyMetric(sc.slo()),
        Objectives.latencyLimitMs(sc.slo()), steps);
  }

  static String load(String by, double v) {
    return Numbers.trim(v) + ("rate".equals(by) ? " requests/s" : v == 1 ? " concurrent request" : " concurrent requests");
  }

  private static String said(String target, Scenario sc, SearchSpec spec, String end, CapacitySearch.State s, int probes, Double reached) {
    String by = spec.by().yamlName();
    String slo = Objectives.of(sc.slo());
    String n = probes + (probes == 1 ? " probe" : " probes");
    String bracket = bracket(spec, s);
    return switch (end) {
      case "found" -> target + " sustains " + load(by, s.sustained()) + " under " + slo + "; the first violation is at " + load(by, s.firstViolation())
          + " (bracket " + pct(reached) + " wide, asked " + spec.precisionText() + "; " + n + ", the answer confirmed by a repeat)";
      case "at-max" -> target + " meets " + slo + " at the search's max, " + load(by, s.sustained()) + ": its capacity is at least that (≥ max, not bounded by this search; "
          + n + ", confirmed by a repeat)";
      case "never" -> target + " never met " + slo + ": it missed it already at the search's min, " + load(by, CapacitySearch.level(spec, spec.min()))
          + "; capacity 0 (" + n + ")";
      case "probe-budget" -> target + ": the search stopped at its probe budget (" + n + ") before reaching " + spec.precisionText() + "; " + bracket;
      case "time-budget" -> target + ": the search stopped at its time budget (" + io.barrage.common.time.DurationText.format(spec.time()) + ", " + n + ") before reaching "
          + spec.precisionText() + "; " + bracket;
      default -> target + ": the run ended before the search did (" + n + "); " + bracket;
    };
  }

  private static String bracket(SearchSpec spec, CapacitySearch.State s) {
    String by = spec.by().yamlName();
    return s.sustained() == null ? "nothing met the SLO"
        : "it sustains " + load(by, s.sustained()) + (s.firstViolation() == null ? " and nothing probed missed the SLO" : " and misses at " + load(by, s.firstViolation()));
  }

  private static String pct(Double f) {
    return f == null ? "?" : Numbers.trim(Numbers.round(f * 100, 1)) + " %";
  }

  /**
   * The capacities of the comparison's baseline and each candidate side by side, at every
   * maxNewTokens both searched (first repeat).
   */
  public static List<CapacityComparison> compare(Scenario sc, Map<String, List<Capacity>> all) {
    List<CapacityComparison> out = new ArrayList<>();
    if (all.isEmpty() || sc.targets().size() < 2) return out;
    ComparisonSpec cs = sc.comparison();
    String base = cs != null && cs.baseline() != null ? cs.baseline() : sc.targets().get(0).name();
    List<String> cands = new ArrayList<>();
    if (cs != null && cs.candidate() != null) {
      cands.add(cs.candidate());
    } else {
      sc.targets().forEach(t -> { if (!t.name().equals(base)) cands.add(t.name()); });
    }
    String slo = Objectives.of(sc.slo());
    for (String cand : cands) {
      for (Capacity b : all.getOrDefault(base, List.of())) {
        if (b.repeat() != 1) continue;
        for (Capacity c : all.getOrDefault(cand, List.of())) {
          if (c.repeat() != 1 || c.maxNewTokens() != b.maxNewTokens()) continue;
          out.add(pair(b, c, slo));
        }
      }
    }
    return out;
  }

  static CapacityComparison pair(Capacity b, Capacity c, String slo) {
    String dimension = "rate".equals(b.by()) ? "the request rate" : "the concurrency";
    Double ratio = b.sustained() > 0 ? Numbers.round(c.sustained() / b.sustained(), 3) : null;
    String head;
    String cs = (c.atLeast() ? "≥ " : "") + load(b.by(), c.sustained());
    String bs = (b.atLeast() ? "≥ " : "") + load(b.by(), b.sustained());
    if (ratio != null) {
      String r = Numbers.trim(Numbers.round(ratio, ratio >= 10 ? 0 : 1)) + "×";
      String qualifier = c.atLeast() && !b.atLeast() ? "at least " : b.atLeast() && !c.atLeast() ? "at most " : "";
      head = c.target() + " sustains " + qualifier + r + " " + dimension + " of " + b.target() + " under " + slo + " (" + cs + " vs " + bs + ", " + b.maxNewTokens() + " new tokens)";
    } else if (c.sustained() > 0) {
      head = b.target() + " never met " + slo + " (capacity 0); " + c.target() + " sustains " + cs + " (" + b.maxNewTokens() + " new tokens)";
    } else {
      head = "neither " + b.target() + " nor " + c.target() + " met " + slo + " at the search's min (capacity 0 for both)";
    }
    String cost = b.usdPer1MTokens() == null && c.usdPer1MTokens() == null ? ""
        : "; USD per 1M tokens at that load: " + c.target() + " " + usd(c.usdPer1MTokens()) + ", " + b.target() + " " + usd(b.usdPer1MTokens());
    return new CapacityComparison(b.target(), c.target(), b.maxNewTokens(), b.by(), b.sustained(), c.sustained(), ratio, b.usdPer1MTokens(), c.usdPer1MTokens(),
        head + cost);
  }

  private static String usd(Double v) {
    return v == null ? "—" : Numbers.fmt(v, 2);
  }
}
