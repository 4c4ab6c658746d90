package io.barrage.protocol.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.protocol.plan.CapacitySearch.End;
import io.barrage.protocol.plan.CapacitySearch.Phase;
import io.barrage.protocol.plan.CapacitySearch.Probe;
import io.barrage.protocol.plan.CapacitySearch.Step;
import io.barrage.protocol.scenario.SearchBy;
import io.barrage.protocol.scenario.SearchSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoublePredicate;
import org.junit.jupiter.api.Test;

class CapacitySearchTest {

  /** Runs a search against a deterministic model of "meets the SLO at this load"; each probe lasts {@code probeMs}. */
  static Result drive(SearchSpec spec, DoublePredicate meets, long probeMs) {
    List<Probe> probes = new ArrayList<>();
    List<Phase> phases = new ArrayList<>();
    long t = 0;
    for (int guard = 0; guard < 10_000; guard++) {
      Step s = CapacitySearch.next(spec, probes);
      if (s instanceof Step.Done d) return new Result(d.end(), CapacitySearch.state(probes), probes, phases);
      Step.Measure m = (Step.Measure) s;
      phases.add(m.phase());
      probes.add(new Probe(m.load(), meets.test(m.load()), t, t + probeMs));
      t += probeMs;
    }
    throw new AssertionError("the search did not end");
  }

  record Result(End end, CapacitySearch.State state, List<Probe> probes, List<Phase> phases) {}

  static SearchSpec rate(double min, double max, String precision, Integer probes, Duration time) {
    return new SearchSpec(SearchBy.RATE, min, max, precision, probes, time);
  }

  @Test
  void findsTheTrueCapacityOfAMonotoneModelWithinThePrecisionAndConfirmsIt() {
    double truth = 37.3;
    Result r = drive(rate(0.5, 200, "5%", 50, null), x -> x <= truth, 1000);
    assertThat(r.end()).isEqualTo(End.FOUND);
    assertThat(r.state().sustained()).isLessThanOrEqualTo(truth);
    assertThat(r.state().firstViolation()).isGreaterThan(truth);
    assertThat((r.state().firstViolation() - r.state().sustained()) / r.state().sustained()).isLessThanOrEqualTo(0.05);
    assertThat(r.state().confirmed()).isTrue();
    // bracket 0.5, 1, 2, ... 64 then bisect, then one repeat of the answer
    assertThat(r.probes().subList(0, 8)).extracting(Probe::load).containsExactly(0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0);
    assertThat(r.phases().get(8)).isEqualTo(Phase.BISECT);
    assertThat(r.phases().get(r.phases().size() - 1)).isEqualTo(Phase.CONFIRM);
    assertThat(r.probes().get(r.probes().size() - 1).load()).isEqualTo(r.state().sustained());
  }

  @Test
  void aConcurrencySearchEndsOnNeighbouringWholeNumbers() {
    Result r = drive(new SearchSpec(SearchBy.CONCURRENCY, 1.0, 300.0, "1%", 50, null), c -> c <= 23, 1000);
    assertThat(r.end()).isEqualTo(End.FOUND);
    assertThat(r.state().sustained()).isEqualTo(23.0);
    assertThat(r.state().firstViolation()).isEqualTo(24.0);
    assertThat(r.probes()).allSatisfy(p -> assertThat(p.load()).isEqualTo(Math.rint(p.load())));
  }

  @Test
  void aTargetThatMissesAtMinHasCapacityZero() {
    Result r = drive(rate(0.5, 200, "5%", 20, null), x -> false, 1000);
    assertThat(r.end()).isEqualTo(End.NEVER);
    assertThat(r.state().sustained()).isNull();
    assertThat(r.probes()).hasSize(1);
  }

  @Test
  void aTargetThatMeetsTheSloAtMaxIsAtLeastMaxAfterARepeat() {
    Result r = drive(rate(10, 100, "5%", 20, null), x -> true, 1000);
    assertThat(r.end()).isEqualTo(End.AT_MAX);
    assertThat(r.state().sustained()).isEqualTo(100.0);
    assertThat(r.probes()).extracting(Probe::load).containsExactly(10.0, 20.0, 40.0, 80.0, 100.0, 100.0);
  }

  @Test
  void theProbeBudgetEndsTheSearchWithTheBracketItHas() {
    Result r = drive(rate(0.5, 200, "0.1%", 10, null), x -> x <= 37.3, 1000);
    assertThat(r.end()).isEqualTo(End.PROBE_BUDGET);
    assertThat(r.probes()).hasSize(10);
    assertThat(r.state().sustained()).isLessThanOrEqualTo(37.3);
    assertThat(r.state().firstViolation()).isGreaterThan(37.3);
  }

  @Test
  void theTimeBudgetEndsTheSearchOnceSpent() {
    Result r = drive(rate(0.5, 200, "0.1%", 100, Duration.ofSeconds(30)), x -> x <= 37.3, 10_000);
    assertThat(r.end()).isEqualTo(End.TIME_BUDGET);
    assertThat(r.probes()).hasSize(3); // 30 s of 10 s probes: no fourth starts
  }

  @Test
  void aRepeatThatMissesMovesTheBracketDown() {
    // noise: 40 passes the first time only
    int[] seen = {0};
    Result r = drive(rate(5, 200, "5%", 50, null), x -> x <= 38 || x == 40 && seen[0]++ == 0, 1000);
    assertThat(r.end()).isEqualTo(End.FOUND);
    assertThat(r.state().sustained()).isLessThanOrEqualTo(38.0);
    assertThat(r.state().firstViolation()).isLessThanOrEqualTo(40.0);
    assertThat(r.probes()).filteredOn(p -> p.load() == 40.0).extracting(Probe::met).containsExactly(true, false);
  }

  @Test
  void theSameProbesAlwaysGiveTheSameNextStep() {
    List<Probe> probes = List.of(new Probe(1, true, 0, 1), new Probe(2, true, 1, 2), new Probe(4, false, 2, 3));
    SearchSpec spec = rate(1, 100, "5%", 20, null);
    assertThat(CapacitySearch.next(spec, probes)).isEqualTo(CapacitySearch.next(spec, List.copyOf(probes)))
        .isEqualTo(new Step.Measure(2.828, Phase.BISECT));
  }
}
