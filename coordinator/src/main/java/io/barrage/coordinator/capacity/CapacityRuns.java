package io.barrage.coordinator.capacity;

import io.barrage.coordinator.report.model.Capacity;
import io.barrage.coordinator.report.model.CapacityComparison;
import io.barrage.coordinator.report.model.Summary;
import io.barrage.coordinator.report.model.TargetSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The capacities of two saved runs for {@code barrage compare}: each run's searches with their
 * target and cell ids prefixed like the cells ({@code A:}, {@code B:}), each run's own head-to-head,
 * and the capacities of B against those of A (same target name in both runs when there is one, else
 * every target of B against every target of A, as the cells are compared).
 */
public final class CapacityRuns {
  private CapacityRuns() {}

  /** A search with its target and cell ids prefixed; null stays null. */
  public static Capacity prefixed(String p, Capacity c) {
    if (c == null) return null;
    List<Capacity.Probe> steps = new ArrayList<>();
    for (Capacity.Probe s : c.steps()) steps.add(new Capacity.Probe(s.n(), p + s.cell(), s.load(), s.phase(), s.met(), s.why()));
    return new Capacity(p + c.target(), c.maxNewTokens(), c.repeat(), c.by(), c.sustained(), c.firstViolation(), c.atLeast(), c.precision(), c.reached(),
        c.probes(), c.cell() == null ? null : p + c.cell(), c.goodput(), c.usdPer1MTokens(), c.end(), c.confirmed(), p + c.said(), c.objective(),
        c.latencyMetric(), c.latencyLimitMs(), steps);
  }

  /** Every search prefixed; null stays null. */
  public static List<Capacity> prefixed(String p, List<Capacity> all) {
    return all == null ? null : all.stream().map(c -> prefixed(p, c)).toList();
  }

  /** The capacity head-to-heads of the merged summary; null when neither run searched. */
  public static List<CapacityComparison> compare(Summary a, Summary b) {
    List<CapacityComparison> out = new ArrayList<>();
    if (a.capacity() != null) a.capacity().forEach(c -> out.add(prefixed("A:", c)));
    if (b.capacity() != null) b.capacity().forEach(c -> out.add(prefixed("B:", c)));
    Set<String> namesA = a.targets().stream().map(TargetSummary::name).collect(Collectors.toSet());
    boolean sameNames = b.targets().stream().anyMatch(t -> namesA.contains(t.name()));
    for (TargetSummary tb : b.targets()) {
      for (TargetSummary ta : a.targets()) {
        if (sameNames && !ta.name().equals(tb.name())) continue;
        for (Capacity x : all(ta)) {
          for (Capacity y : all(tb)) {
            if (x.repeat() != 1 || y.repeat() != 1 || x.maxNewTokens() != y.maxNewTokens() || !x.by().equals(y.by())) continue;
            String slo = x.objective().equals(y.objective()) ? x.objective() : "A's " + x.objective() + " and B's " + y.objective();
            out.add(Capacities.pair(prefixed("A:", x), prefixed("B:", y), slo));
          }
        }
      }
    }
    return out.isEmpty() ? null : out;
  }

  private static List<Capacity> all(TargetSummary t) {
    return t.capacities() != null ? t.capacities() : t.capacity() != null ? List.of(t.capacity()) : List.of();
  }

  private static CapacityComparison prefixed(String p, CapacityComparison c) {
    return new CapacityComparison(p + c.baseline(), p + c.candidate(), c.maxNewTokens(), c.by(), c.baselineSustained(), c.candidateSustained(), c.ratio(),
        c.baselineUsdPer1MTokens(), c.candidateUsdPer1MTokens(), "run " + p.substring(0, 1) + ": " + c.sentence());
  }
}
