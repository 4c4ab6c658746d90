package io.barrage.coordinator.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.protocol.metrics.IntervalCounters;
import io.barrage.protocol.metrics.IntervalReport;
import io.barrage.protocol.plan.CellPlanner;
import io.barrage.protocol.plan.LoadShare;
import io.barrage.protocol.plan.LoadSplitter;
import io.barrage.protocol.results.RunOutcome;
import io.barrage.protocol.results.RunRecord;
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
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The figures of a loss follow the rule: what was in flight at the last report, plus at most one interval of work. */
class CellLossesTest {
  private static final ActorTestKit kit = ActorTestKit.create();

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  private RunOrder order;
  private RunLedger ledger;
  private CellLosses losses;
  private CellRun cell;
  private final List<TestProbe<WorkerProtocol.Command>> probes = new ArrayList<>();

  private void setUp(String step, int workers) throws Exception {
    String yaml = RunCoordinatorIT.scenario("{concurrency: [12]}", step, "rebalance");
    Scenario s = ScenarioLoader.parse(yaml, null);
    order = new RunOrder("r", s, yaml, null, Path.of("unused"), workers);
    ledger = new RunLedger(order, RunSettings.defaults());
    nowMs = System.currentTimeMillis();
    losses = new CellLosses(order, ledger, LoggerFactory.getLogger(CellLossesTest.class), () -> nowMs);
    var spec = CellPlanner.plan(s).get(0);
    List<LoadShare> shares = LoadSplitter.shares(spec.load(), -1, workers);
    List<CellRun.Assignment> assigned = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      TestProbe<WorkerProtocol.Command> p = kit.createTestProbe();
      probes.add(p);
      assigned.add(new CellRun.Assignment("w" + i, p.ref(), OrderKey.random(), shares.get(i)));
    }
    cell = new CellRun(spec, -1, nowMs - 10_000, assigned);
    ledger.workersPlanned = workers;
  }

  @BeforeEach
  void clear() {
    probes.clear();
    deliveredAfterMs = 0;
  }

  private CellRun.Assignment a(int i) {
    return cell.assignments.get(probes.get(i).ref());
  }

  private long deliveredAfterMs; // how long the next reports take to arrive
  /** The coordinator's clock in these tests: fixed, so no figure depends on how long a step took. */
  private long nowMs;

  /** A report of {@code completed} requests over {@code ms}, ending {@code agoMs} ago, {@code inFlight} at its end. */
  private void report(CellRun.Assignment a, long seq, long completed, int inFlight, long ms, long agoMs, boolean last) {
    long end = nowMs - agoMs;
    var c = new IntervalCounters(completed, completed, Map.of(), Map.of(), 10 * completed, 10 * completed, 0, 0, inFlight, 0, -1, -1);
    a.reported(new IntervalReport(a.workerId, "c", seq, end - ms, end, Map.of(), c, last), end, end + deliveredAfterMs);
  }

  @Test
  void aCrashedWorkerLosesItsInFlightAndAtMostAboutOneIntervalOfCompletions() throws Exception {
    setUp("{duration: 60s}", 3);
    report(a(2), 0, 40, 4, 1000, 5000, false); // 40 requests/s, 4 in flight; found lost 5 s later
    losses.lose(cell, a(2), CellLosses.How.LOST, "unreachable");

    WorkerEvent lost = ledger.events.get(0);
    assertThat(lost.kind()).isEqualTo(WorkerEvent.Kind.LOST);
    assertThat(lost.requestsLost()).isEqualTo(4);
    // had it lived longer than one interval after that report (+0.5 s for a report cut but not sent),
    // its next report would have arrived
    assertThat(lost.secondsAfterLastReport()).isEqualTo(1.5);
    assertThat(lost.completedAfterLastReportAtMost()).isEqualTo(60);
    assertThat(cell.incomplete()).isEqualTo(4);
    RunRecord r = ledger.record(null, null);
    assertThat(r.outcome().reason()).contains("4 request(s) in flight").contains("at most ~60 more completed");
  }

  @Test
  void aWorkerWhoseReportsArrivedLateMayHaveLostTheReportsStillOnTheirWay() throws Exception {
    setUp("{duration: 60s}", 2);
    deliveredAfterMs = 2000; // a starved worker: its reports arrive 2 s after they were cut
    report(a(1), 0, 10, 3, 1000, 8000, false);
    losses.lose(cell, a(1), CellLosses.How.LOST, "unreachable");
    WorkerEvent lost = ledger.events.get(0);
    assertThat(lost.secondsAfterLastReport()).isEqualTo(3.5); // 1 s interval + 0.5 s + 2 s on the way
    assertThat(lost.completedAfterLastReportAtMost()).isEqualTo(35);
  }

  @Test
  void aWorkerLostEarlyInTheCellIsJudgedByWhatItsShareCompletesOnTheOthers() throws Exception {
    setUp("{duration: 60s}", 3);
    report(a(0), 3, 40, 4, 1000, 5000, false); // the others complete 40 requests/s each
    report(a(1), 3, 40, 4, 1000, 5000, false);
    report(a(2), 0, 4, 4, 1000, 5000, false); // its only report: the ramp-up
    losses.lose(cell, a(2), CellLosses.How.LOST, "unreachable");
    assertThat(ledger.events.get(0).completedAfterLastReportAtMost()).isEqualTo(60); // 40/s × 1.5 s
  }

  @Test
  void aSecondLossReportsTheShareTheWorkerCarriedNotTheResizeItNeverGot() throws Exception {
    setUp("{duration: 60s}", 3);
    report(a(0), 0, 10, 4, 1000, 3000, false);
    report(a(1), 0, 10, 4, 1000, 3000, false);
    report(a(2), 0, 10, 4, 1000, 3000, false);
    // w2 and w1 die together; w2 is found lost first, and its share goes to w0 and w1
    losses.lose(cell, a(2), CellLosses.How.LOST, "unreachable");
    assertThat(a(1).share.streams()).isEqualTo(6);
    losses.lose(cell, a(1), CellLosses.How.LOST, "unreachable");

    List<WorkerEvent> lost = ledger.events.stream().filter(e -> e.kind() == WorkerEvent.Kind.LOST).toList();
    assertThat(lost).extracting(WorkerEvent::capacityShare).containsExactly(4 / 12.0, 4 / 12.0);
    // the survivor carries the whole cell now
    assertThat(a(0).share.streams()).isEqualTo(12);
    assertThat(probes.get(0).receiveMessage()).isInstanceOf(WorkerProtocol.ResizeStep.class);
  }

  @Test
  void aWorkerCountedLostThatDeliversItsLastReportLosesNothingAndTheOutcomeSaysSo() throws Exception {
    setUp("{duration: 60s}", 2);
    report(a(1), 0, 20, 6, 1000, 6000, false);
    losses.lose(cell, a(1), CellLosses.How.LOST, "unreachable");
    assertThat(cell.incomplete()).isEqualTo(6);
    // it was only cut off: its reports arrive after all, the last one with nothing in flight
    report(a(1), 1, 20, 6, 1000, 0, false);
    losses.lateReport(cell, a(1), false);
    report(a(1), 2, 6, 0, 1000, 0, true);
    losses.lateReport(cell, a(1), true);

    assertThat(a(1).state).isEqualTo(CellRun.State.RETURNED);
    assertThat(cell.incomplete()).isZero();
    WorkerEvent lost = ledger.events.get(0);
    assertThat(lost.requestsLost()).isZero();
    assertThat(lost.completedAfterLastReportAtMost()).isZero();
    assertThat(lost.detail()).contains("came back and delivered its last report");
    RunOutcome outcome = ledger.record(null, null).outcome();
    assertThat(outcome.reason()).contains("unreachable for a while").contains("nothing of them is missing").doesNotContain("request(s) in flight");
  }

  @Test
  void aWorkerLostInTheWarmUpLosesNothingMeasuredUntilTheWarmUpEnds() throws Exception {
    setUp("{duration: 60s, warmup: 9500ms}", 2); // the cell started 10 s ago: its warm-up ended 0.5 s ago
    report(a(1), 0, 30, 5, 1000, 1000, false); // the report ended 1 s ago, inside the warm-up
    losses.lose(cell, a(1), CellLosses.How.LOST, "unreachable");
    WorkerEvent lost = ledger.events.get(0);
    assertThat(lost.requestsLost()).isZero(); // in flight at a report inside the warm-up: started in it
    // of the 1 s after the report, only the 0.5 s after the warm-up can hold measured requests
    assertThat(lost.completedAfterLastReportAtMost()).isBetween(14L, 16L);
  }

  @Test
  void aGracefulLeaveIsALeaveWithNothingLost() throws Exception {
    setUp("{duration: 60s}", 2);
    a(1).state = CellRun.State.LEAVING;
    report(a(1), 0, 20, 0, 1000, 0, true);
    losses.lose(cell, a(1), CellLosses.How.LEFT, "left gracefully after flushing its last interval");
    WorkerEvent left = ledger.events.get(0);
    assertThat(left.kind()).isEqualTo(WorkerEvent.Kind.LEFT);
    assertThat(left.lostSomething()).isFalse();
    assertThat(left.lossText()).contains("nothing lost");
    assertThat(ledger.record(null, null).outcome()).isInstanceOf(RunOutcome.Completed.class);
  }

  @Test
  void theLiveStatusShowsNoInFlightForAWorkerWhoseReportsStopped() throws Exception {
    setUp("{duration: 60s}", 2);
    report(a(0), 0, 20, 6, 1000, 0, false);
    report(a(1), 0, 20, 6, 1000, 0, false);
    a(1).lastReportArrivedAtEpochMs = nowMs - 4000; // silent for 4 s, not yet found lost
    var board = new StatusBoard(order, 1, 3000);
    RunStatus s = board.snapshot(RunStatus.Phase.RUNNING, "running", cell, ledger, new WorkerRoster(null), 1);
    assertThat(s.inFlight()).isEqualTo(6);
    assertThat(s.workers()).extracting(RunStatus.WorkerView::state).containsExactly("running", "silent");
    assertThat(s.workers()).extracting(RunStatus.WorkerView::inFlight).containsExactly(6, 0);
  }
}
