package io.barrage.protocol.plan;

import io.barrage.protocol.scenario.SearchBy;
import io.barrage.protocol.scenario.SearchSpec;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;

/**
 * The decisions of one capacity search (one target at one maxNewTokens), as a pure function of the
 * probes measured so far: the same probes always give the same next step, so the coordinator
 * decides the next probe from the merged result of the last one, and the result files replay the
 * search from the recorded cells to state its answer.
 *
 * <p>The rule: probe {@code min}; while every probe met the SLO, double the load (at most
 * {@code max}); once a probe missed it, bisect (geometric mean) between the highest load that met
 * it and the lowest that did not, until the bracket is narrower than {@code precision} (relative to
 * its lower end; for concurrency also when the two ends are neighbours). The answer's probe is then
 * repeated: a load counts as sustained only when every probe at it met the SLO, so a repeat that
 * misses moves the bracket down and the search goes on. The search also ends when its probe budget
 * or time budget is spent; the time is that from the start of its first probe to the end of its
 * last, and no probe starts after it.
 */
public final class CapacitySearch {
  private CapacitySearch() {}

  /** One measured probe: its load and whether it met every objective that is set. */
  public record Probe(double load, boolean met, long startedAtEpochMs, long endedAtEpochMs) {}

  /** Why a probe is measured. */
  public enum Phase {
    /** growing the load geometrically until the SLO breaks or max */
    BRACKET,
    /** halving the bracket */
    BISECT,
    /** repeating the answer's load before fixing it */
    CONFIRM
  }

  /** How a search ended. */
  public enum End {
    /** the bracket is narrower than the precision and its lower end was confirmed by a repeat */
    FOUND,
    /** max met the SLO (also on its repeat): the capacity is at least max */
    AT_MAX,
    /** min missed the SLO: capacity 0 */
    NEVER,
    /** the probe budget ran out first */
    PROBE_BUDGET,
    /** the time budget ran out first */
    TIME_BUDGET
  }

  /** What to do next. */
  public sealed interface Step {
    /** Measure one more probe at {@code load}. */
    record Measure(double load, Phase phase) implements Step {}

    /** The search is over. */
    record Done(End end) implements Step {}
  }

  /**
   * Where the search stands.
   *
   * @param sustained the highest probed load at which every probe met the SLO, below any that missed it (null: none)
   * @param firstViolation the lowest probed load that missed it (null: none)
   * @param confirmed whether {@code sustained} was measured more than once
   */
  public record State(Double sustained, Double firstViolation, boolean confirmed) {}

  public static State state(List<Probe> probes) {
    Double fail = null;
    for (Probe p : probes) if (!p.met() && (fail == null || p.load() < fail)) fail = p.load();
    Double pass = null;
    for (Probe p : probes) {
      if (!p.met() || fail != null && p.load() >= fail) continue;
      if (pass == null || p.load() > pass) pass = p.load();
    }
    int atPass = 0;
    for (Probe p : probes) if (pass != null && p.load() == pass) atPass++;
    return new State(pass, fail, atPass >= 2);
  }

  /** The next step of the search after {@code probes} (in the order they were measured). */
  public static Step next(SearchSpec spec, List<Probe> probes) {
    Step natural = natural(spec, probes);
    if (natural instanceof Step.Done) return natural;
    if (probes.size() >= spec.probesOrDefault()) return new Step.Done(End.PROBE_BUDGET);
    if (spec.time() != null && !probes.isEmpty()) {
      long spent = probes.get(probes.size() - 1).endedAtEpochMs() - probes.get(0).startedAtEpochMs();
      if (spent >= spec.time().toMillis()) return new Step.Done(End.TIME_BUDGET);
    }
    return natural;
  }

  private static Step natural(SearchSpec spec, List<Probe> probes) {
    double min = level(spec, spec.min()), max = level(spec, spec.max());
    if (probes.isEmpty()) return new Step.Measure(min, Phase.BRACKET);
    State s = state(probes);
    if (s.sustained() == null) return new Step.Done(End.NEVER);
    double pass = s.sustained();
    if (s.firstViolation() == null) {
      if (pass >= max) return s.confirmed() ? new Step.Done(End.AT_MAX) : new Step.Measure(max, Phase.CONFIRM);
      return new Step.Measure(Math.min(max, level(spec, pass * SearchSpec.GROWTH)), Phase.BRACKET);
    }
    double fail = s.firstViolation();
    double mid = level(spec, Math.sqrt(pass * fail));
    boolean narrow = (fail - pass) / pass <= spec.precisionFraction() || mid <= pass || mid >= fail;
    if (narrow) return s.confirmed() ? new Step.Done(End.FOUND) : new Step.Measure(pass, Phase.CONFIRM);
    return new Step.Measure(mid, Phase.BISECT);
  }

  /** A load as probed: a whole number of users, or a rate to four significant digits (readable cell ids). */
  public static double level(SearchSpec spec, double x) {
    if (spec.by() == SearchBy.CONCURRENCY) return Math.max(1, Math.round(x));
    return new BigDecimal(x).round(new MathContext(4)).doubleValue();
  }
}
