package io.barrage.coordinator.report;

import io.barrage.coordinator.report.model.CellSummary;
import io.barrage.coordinator.report.model.Numbers;
import io.barrage.coordinator.report.model.Recommendations;
import io.barrage.coordinator.report.model.Recommendations.ParetoPoint;
import io.barrage.coordinator.report.model.Recommendations.Recommendation;
import io.barrage.coordinator.report.model.Recommendations.Settings;
import io.barrage.coordinator.report.model.TargetSummary;
import io.barrage.protocol.scenario.RecommendationSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The SageMaker benchmark's recommendations: most cost-effective = lowest USD per 1M tokens at 5
 * concurrent requests; best latency = lowest median ms/token (ntpot p50) at 1; best throughput =
 * highest tokens/s at 20. The levels are configurable; when a level was not measured the nearest
 * measured one is used and the recommendation says so. Repeats of a cell are averaged first.
 */
public final class Recommender {
  public static final int DEFAULT_COST_AT = 5, DEFAULT_LATENCY_AT = 1, DEFAULT_THROUGHPUT_AT = 20;

  private Recommender() {}

  public static Settings settings(RecommendationSpec spec) {
    if (spec == null) return new Settings(DEFAULT_COST_AT, DEFAULT_LATENCY_AT, DEFAULT_THROUGHPUT_AT);
    return new Settings(
        spec.costAtConcurrency() == null ? DEFAULT_COST_AT : spec.costAtConcurrency(),
        spec.latencyAtConcurrency() == null ? DEFAULT_LATENCY_AT : spec.latencyAtConcurrency(),
        spec.throughputAtConcurrency() == null ? DEFAULT_THROUGHPUT_AT : spec.throughputAtConcurrency());
  }

  /** A cell averaged over its repeats. */
  record Group(String target, String cell, int maxNewTokens, double level, boolean closedLoop, Double tokensPerSecond, Double ntpotP50Ms, Double usdPer1MTokens) {}

  static List<Group> groups(List<TargetSummary> targets) {
    List<Group> out = new ArrayList<>();
    for (TargetSummary t : targets) {
      Map<String, List<CellSummary>> byCell = new LinkedHashMap<>();
      for (CellSummary c : t.cells()) byCell.computeIfAbsent(c.id().replaceFirst("/rep\\d+$", ""), k -> new ArrayList<>()).add(c);
      byCell.forEach((id, cs) -> {
        CellSummary first = cs.get(0);
        out.add(new Group(
            t.name(), id, first.maxNewTokens(), first.load().level(), first.load().concurrency() != null,
            mean(cs, CellSummary::tokensPerSecond),
            mean(cs, c -> c.latencyValue("ntpot", "p50")),
            mean(cs, c -> c.cost() == null ? null : c.cost().usdPer1MTokens())));
      });
    }
    return out;
  }

  private static Double mean(List<CellSummary> cs, Function<CellSummary, Double> f) {
    List<Double> xs = new ArrayList<>();
    for (CellSummary c : cs) {
      Double v = f.apply(c);
      if (v != null) xs.add(v);
    }
    return xs.isEmpty() ? null : Stats.mean(xs);
  }

  public static Recommendations recommend(List<TargetSummary> targets, Settings s) {
    return recommend(targets, s, 0);
  }

  /**
   * The recommendations over {@code eligible} cells; {@code leftOut} cells were removed before (see
   * {@link Verdicts}), and a note that falls back to another level or finds nothing says so.
   */
  public static Recommendations recommend(List<TargetSummary> eligible, Settings s, int leftOut) {
    List<Group> gs = groups(eligible);
    String aside = leftOut == 0 ? "" : " (" + leftOut + " cell(s) left out of the verdicts do not count)";
    Recommendation cost = pick(gs, s.costAtConcurrency(), Group::usdPer1MTokens, false, "USD per 1M tokens", "no target has a deployment.usdPerHour (or no throughput was measured)", aside);
    Recommendation latency = pick(gs, s.latencyAtConcurrency(), Group::ntpotP50Ms, false, "ms/token (median ntpot)", "no successful requests", aside);
    Recommendation tput = pick(gs, s.throughputAtConcurrency(), Group::tokensPerSecond, true, "tokens/s", "no throughput was measured", aside);
    return new Recommendations(s, cost, latency, tput, pareto(gs));
  }

  static Recommendation pick(List<Group> gs, double requested, Function<Group, Double> f, boolean highest, String unit, String whyNone, String aside) {
    boolean anyClosed = gs.stream().anyMatch(Group::closedLoop);
    List<Group> eligible = gs.stream().filter(g -> g.closedLoop() == anyClosed && f.apply(g) != null).toList();
    if (eligible.isEmpty()) return new Recommendation(null, null, 0, requested, requested, whyNone + aside, null, unit, null, null, null);
    TreeSet<Double> levels = new TreeSet<>();
    eligible.forEach(g -> levels.add(g.level()));
    double level = levels.first();
    for (double l : levels) {
      if (Math.abs(l - requested) < Math.abs(level - requested)) level = l;
    }
    final double at = level;
    Comparator<Group> byValue = Comparator.comparing(f::apply);
    if (highest) byValue = byValue.reversed();
    Group best = eligible.stream().filter(g -> g.level() == at).min(byValue).orElseThrow();
    String unitName = anyClosed ? "concurrent requests" : "requests/s";
    String note = at == requested ? null
        : "nothing was measured at " + Numbers.trim(requested) + " " + unitName + "; judged at the nearest measured level, " + Numbers.trim(at) + aside;
    return new Recommendation(
        best.target(), best.cell(), best.maxNewTokens(), requested, at, note, Numbers.round(f.apply(best), 4), unit,
        Numbers.round(best.tokensPerSecond(), 4), Numbers.round(best.ntpotP50Ms(), 3), Numbers.round(best.usdPer1MTokens(), 4));
  }

  /** Cells not beaten on both cost and median ms/token by any other cell, cheapest first. */
  static List<ParetoPoint> pareto(List<Group> gs) {
    List<Group> pts = gs.stream().filter(g -> g.usdPer1MTokens() != null && g.ntpotP50Ms() != null).toList();
    List<ParetoPoint> out = new ArrayList<>();
    for (Group g : pts) {
      boolean dominated = false;
      for (Group o : pts) {
        if (o == g) continue;
        boolean noWorse = o.usdPer1MTokens() <= g.usdPer1MTokens() && o.ntpotP50Ms() <= g.ntpotP50Ms();
        boolean better = o.usdPer1MTokens() < g.usdPer1MTokens() || o.ntpotP50Ms() < g.ntpotP50Ms();
        if (noWorse && better) {
          dominated = true;
          break;
        }
      }
      if (!dominated) out.add(new ParetoPoint(g.target(), g.cell(), Numbers.round(g.usdPer1MTokens(), 4), Numbers.round(g.ntpotP50Ms(), 3)));
    }
    out.sort(Comparator.comparingDouble(ParetoPoint::usdPer1MTokens).thenComparingDouble(ParetoPoint::ntpotP50Ms));
    return out;
  }
}
