package io.barrage.coordinator.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.coordinator.capacity.CellSource;
import io.barrage.coordinator.report.model.Capacity;
import io.barrage.coordinator.report.model.Summary;
import io.barrage.protocol.plan.CellSpec;
import io.barrage.protocol.plan.Load;
import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.results.CellRecord;
import io.barrage.protocol.results.RunOutcome;
import io.barrage.protocol.results.RunRecord;
import io.barrage.protocol.scenario.Scenario;
import io.barrage.protocol.scenario.ScenarioLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The coordinator decides each probe from the cells measured before it, and the result replays the
 * search from the recorded cells: the next cell of a search and of a sweep, and a run interrupted
 * in the middle of a search.
 */
class CapacityReplayTest {

  static Scenario scenario(String load) throws Exception {
    return ScenarioLoader.parse("""
        name: capacity
        targets:
          - {name: fastapi-a100, api: fastapi, url: "http://127.0.0.1:9/generate", deployment: {usdPerHour: 4.10}}
          - {name: tgi-2xa4000, api: tgi-stream, url: "http://127.0.0.1:9", deployment: {usdPerHour: 1.52}}
        workload:
          prompt: {text: hello}
          maxNewTokens: [128]
          load: %s
          step: {requests: 10}
        comparison: {baseline: fastapi-a100}
        slo: {e2eP99: 1s}
        """.formatted(load), null);
  }

  /** A measured cell of {@code spec}: {@code ok} requests over a 10 s window, each with this e2e. */
  static CellRecord measured(CellSpec spec, long ok, double e2eMs, boolean cut) {
    CellAggregate a = new CellAggregate(spec.id());
    double[] e2e = new double[(int) ok];
    java.util.Arrays.fill(e2e, e2eMs);
    a.add(Fixtures.report("w1", spec.id(), 1, Fixtures.T0, ok, ok * 100, Map.of(), e2e, new double[] {10}, new double[] {1}, 0));
    long start = Fixtures.T0 + spec.index() * 20_000L;
    return new CellRecord(spec, a, 10.0, 0, 50, 1, start, start + 12_000, cut);
  }

  @Test
  void eachProbeIsDecidedFromTheMergedResultsOfTheOnesBefore() throws Exception {
    CellSource source = CellSource.of(scenario("{search: {by: concurrency, min: 1, max: 8}}"));
    List<CellRecord> done = new ArrayList<>();
    CellSpec first = source.next(done);
    assertThat(first.id()).isEqualTo("fastapi-a100/m128/c1/probe1");
    done.add(measured(first, 10, 500, false));
    CellSpec second = source.next(done);
    assertThat(second.id()).isEqualTo("fastapi-a100/m128/c2/probe2");
    assertThat(second.load()).isEqualTo(new Load.Concurrency(2));
    done.add(measured(second, 10, 1500, false)); // misses p99 e2e <= 1 s
    CellSpec third = source.next(done);
    assertThat(third.id()).as("neighbours: the answer's load is repeated").isEqualTo("fastapi-a100/m128/c1/probe3");
    done.add(measured(third, 10, 500, false));
    CellSpec fourth = source.next(done);
    assertThat(fourth.id()).as("the next target's search").isEqualTo("tgi-2xa4000/m128/c1/probe1");
    assertThat(fourth.index()).isEqualTo(3);

    // tgi meets the SLO everywhere up to max
    for (CellSpec next = fourth; next != null; next = source.next(done)) done.add(measured(next, 10, 100, false));
    Summary s = SummaryBuilder.summary(new RunRecord("r", scenario("{search: {by: concurrency, min: 1, max: 8}}"), Fixtures.T0, Fixtures.T0 + 100_000,
        new RunOutcome.Completed(), 1, List.of(), done));
    Capacity f = s.target("fastapi-a100").capacity(), t = s.target("tgi-2xa4000").capacity();
    assertThat(f.end()).isEqualTo("found");
    assertThat(f.sustained()).isEqualTo(1.0);
    assertThat(f.firstViolation()).isEqualTo(2.0);
    assertThat(f.cell()).isEqualTo("fastapi-a100/m128/c1/probe3");
    assertThat(f.steps()).extracting(Capacity.Probe::phase).containsExactly("bracket", "bracket", "confirm");
    assertThat(f.steps().get(1).why()).isEqualTo("p99 e2e 1.5 s > 1 s");
    assertThat(t.end()).isEqualTo("at-max");
    assertThat(t.steps()).extracting(Capacity.Probe::load).containsExactly(1.0, 2.0, 4.0, 8.0, 8.0);
    assertThat(s.capacity()).singleElement().satisfies(cc -> {
      assertThat(cc.ratio()).isEqualTo(8.0);
      assertThat(cc.sentence()).startsWith("tgi-2xa4000 sustains at least 8× the concurrency of fastapi-a100 under p99 e2e ≤ 1 s, errors ≤ 1 %")
          .contains("USD per 1M tokens at that load: tgi-2xa4000 ");
    });
  }

  @Test
  void aRunInterruptedInTheMiddleOfASearchStatesWhatItHad() throws Exception {
    Scenario sc = scenario("{search: {by: rate, min: 0.5, max: 200, precision: 5%}}");
    CellSource source = CellSource.of(sc);
    List<CellRecord> done = new ArrayList<>();
    CellSpec first = source.next(done);
    assertThat(first.id()).isEqualTo("fastapi-a100/m128/r0.5/probe1");
    done.add(measured(first, 10, 500, false));
    CellSpec second = source.next(done);
    assertThat(second.load()).isEqualTo(new Load.Rate(1.0, io.barrage.protocol.scenario.Arrivals.POISSON));
    done.add(measured(second, 4, 500, true)); // cut by the interrupt
    assertThat(source.next(done).id()).as("no probe is decided from a cut cell: that search ends, the next one would start")
        .isEqualTo("tgi-2xa4000/m128/r0.5/probe1");
    Summary s = SummaryBuilder.summary(new RunRecord("r", sc, Fixtures.T0, Fixtures.T0 + 30_000, new RunOutcome.Interrupted("SIGTERM"), 1, List.of(), done));
    Capacity c = s.target("fastapi-a100").capacity();
    assertThat(c.end()).isEqualTo("interrupted");
    assertThat(c.sustained()).isEqualTo(0.5);
    assertThat(c.steps()).extracting(Capacity.Probe::met).containsExactly(true, null);
    assertThat(c.said()).isEqualTo("fastapi-a100: probe 2 was cut short (the run was stopped or interrupted, or lost its workers), so the search ended there"
        + " (2 probes); it sustains 0.5 requests/s and nothing probed missed the SLO");
    assertThat(s.target("tgi-2xa4000").capacity().probes()).isZero();
  }

  @Test
  void aSweepMeasuresOneUserThenSaturationThenRatesBetween() throws Exception {
    CellSource source = CellSource.of(scenario("{sweep: {points: 3, saturation: 8}}"));
    List<CellRecord> done = new ArrayList<>();
    CellSpec sync = source.next(done);
    assertThat(sync.id()).isEqualTo("fastapi-a100/m128/c1");
    done.add(measured(sync, 10, 500, false)); // 1 request/s
    CellSpec saturation = source.next(done);
    assertThat(saturation.id()).isEqualTo("fastapi-a100/m128/c8");
    done.add(measured(saturation, 50, 500, false)); // 5 requests/s
    List<String> rates = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      CellSpec r = source.next(done);
      rates.add(r.id());
      done.add(measured(r, 20, 500, false));
    }
    assertThat(rates).containsExactly("fastapi-a100/m128/r2", "fastapi-a100/m128/r3", "fastapi-a100/m128/r4");
    assertThat(source.next(done).id()).isEqualTo("tgi-2xa4000/m128/c1");
  }
}
