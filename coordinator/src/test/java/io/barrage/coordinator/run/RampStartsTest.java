package io.barrage.coordinator.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.protocol.metrics.IntervalCounters;
import io.barrage.protocol.metrics.IntervalReport;
import io.barrage.protocol.plan.CellPlanner;
import io.barrage.protocol.plan.LoadShare;
import io.barrage.protocol.plan.LoadSplitter;
import io.barrage.protocol.results.WorkerEvent;
import io.barrage.protocol.scenario.Scenario;
import io.barrage.protocol.scenario.ScenarioLoader;
import io.barrage.protocol.wire.OrderKey;
import io.barrage.protocol.wire.WorkerProtocol;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A worker that began its part of a ramp late is named with its lateness in ms; one on time is not. */
class RampStartsTest {
  private static final ActorTestKit kit = ActorTestKit.create();
  private static final long START = 1_700_000_000_000L;

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  private RunLedger ledger;
  private RampStarts starts;

  private CellRun cell(String load, String step) throws Exception {
    String yaml = RunCoordinatorIT.scenario(load, step, "rebalance");
    Scenario s = ScenarioLoader.parse(yaml, null);
    RunOrder order = new RunOrder("r", s, yaml, null, Path.of("unused"), 2);
    ledger = new RunLedger(order, RunSettings.defaults());
    starts = new RampStarts(ledger, LoggerFactory.getLogger(RampStartsTest.class));
    var spec = CellPlanner.plan(s).get(0);
    List<LoadShare> shares = LoadSplitter.shares(spec.load(), -1, 2);
    List<CellRun.Assignment> assigned = new ArrayList<>();
    for (int i = 0; i < 2; i++) assigned.add(new CellRun.Assignment("w" + i, kit.<WorkerProtocol.Command>createTestProbe().ref(), OrderKey.random(), shares.get(i)));
    return new CellRun(spec, -1, START, assigned);
  }

  /** Merges a one-second report of {@code a} starting {@code startMs} (coordinator clock), as CellMerge does. */
  private void report(CellRun cell, CellRun.Assignment a, long seq, long startMs) {
    var c = new IntervalCounters(1, 1, Map.of(), Map.of(), 10, 10, 0, 0, 0, 0, -1, -1);
    IntervalReport r = new IntervalReport(a.workerId, cell.spec.id(), seq, startMs, startMs + 1000, Map.of(), c, false);
    a.reported(r, startMs + 1000, startMs + 1010);
    starts.merged(cell, a, r);
  }

  private List<WorkerEvent> late() {
    return ledger.events.stream().filter(e -> e.kind() == WorkerEvent.Kind.LATE).toList();
  }

  @Test
  void aWorkerThatBeganTheRampLateIsNamedWithItsLatenessOnce() throws Exception {
    CellRun cell = cell("{stages: [{rate: 10, duration: 5s}]}", "{warmup: 0s}");
    List<CellRun.Assignment> as = new ArrayList<>(cell.assignments.values());
    report(cell, as.get(0), 0, START + 40); // 40 ms: on time
    report(cell, as.get(1), 0, START + 1830);
    report(cell, as.get(0), 1, START + 1040);
    report(cell, as.get(1), 1, START + 2830);
    assertThat(late()).singleElement().satisfies(e -> {
      assertThat(e.workerId()).isEqualTo("w1");
      assertThat(e.cellId()).isEqualTo(cell.spec.id());
      assertThat(e.detail()).contains("1830 ms after the cell's common start");
      assertThat(e.capacityShare()).isEqualTo(0.5);
      assertThat(e.lostSomething()).isFalse();
    });
  }

  @Test
  void aFixedLevelCellIsNotJudged() throws Exception {
    CellRun cell = cell("{rate: [10]}", "{duration: 5s}");
    CellRun.Assignment a = cell.assignments.values().iterator().next();
    report(cell, a, 0, START + 3000);
    assertThat(late()).isEmpty();
  }

  @Test
  void justUnderTheBoundIsOnTime() throws Exception {
    CellRun cell = cell("{stages: [{concurrency: 4, duration: 5s}]}", "{warmup: 0s}");
    CellRun.Assignment a = cell.assignments.values().iterator().next();
    report(cell, a, 0, START + RampStarts.LATE_MS - 1);
    assertThat(late()).isEmpty();
  }
}
