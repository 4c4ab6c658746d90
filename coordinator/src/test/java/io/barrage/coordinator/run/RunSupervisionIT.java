package io.barrage.coordinator.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.barrage.coordinator.node.CoordinatorNode;
import io.barrage.coordinator.report.ResultWriter;
import io.barrage.protocol.metrics.Histograms;
import io.barrage.protocol.metrics.IntervalCounters;
import io.barrage.protocol.metrics.IntervalReport;
import io.barrage.protocol.metrics.Metric;
import io.barrage.protocol.results.RunOutcome;
import io.barrage.protocol.results.RunRecord;
import io.barrage.protocol.scenario.ScenarioLoader;
import io.barrage.protocol.wire.CoordinatorProtocol;
import io.barrage.protocol.wire.OrderKey;
import io.barrage.protocol.wire.WorkerProtocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every run ends with a completed result and a clear outcome, whatever goes wrong inside it. */
class RunSupervisionIT {

  @TempDir Path out;
  private CoordinatorNode node;
  private Runs runs;
  private final Map<String, ActorRef<WorkerProtocol.Command>> workers = new java.util.concurrent.ConcurrentHashMap<>();

  @BeforeEach
  void start() {
    node = CoordinatorNode.start(new CoordinatorNode.Settings("127.0.0.1", "127.0.0.1", 0, -1, "127.0.0.1", false, "t", out, out), (run, dir) -> {});
    runs = new Runs(node.system(), RunSettings.defaults().withWorkerJoinTimeout(Duration.ofSeconds(2)), ResultWriter::write);
  }

  @AfterEach
  void stop() {
    runs.close();
    node.close();
  }

  private Queue<WorkerProtocol.Command> worker(String name, int intervals, boolean forever, int maxPings) {
    Queue<WorkerProtocol.Command> orders = FakeWorker.newOrderLog();
    ActorRef<Object> ref = node.system().systemActorOf(FakeWorker.create(intervals, forever, Histograms.create(), orders, new long[1], maxPings), name, Props.empty());
    workers.put(name, ref.narrow());
    return orders;
  }

  private Runs.Submitted.Accepted submit(String id, String load, String step, int minWorkers) throws Exception {
    String yaml = RunCoordinatorIT.scenario(load, step, "rebalance");
    return (Runs.Submitted.Accepted) runs.submit(new RunOrder(id, ScenarioLoader.parse(yaml, null), yaml, null, out.resolve(id), minWorkers));
  }

  private void awaitListed(int n) throws InterruptedException {
    TestProbe<Receptionist.Listing> probe = TestProbe.create(node.system());
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      node.system().receptionist().tell(Receptionist.find(WorkerProtocol.SERVICE_KEY, probe.ref()));
      return probe.receiveMessage().getServiceInstances(WorkerProtocol.SERVICE_KEY).size() == n;
    });
  }

  @Test
  void anUnwritableResultDirectoryStillEndsTheRunAndTheNextRunIsAccepted() throws Exception {
    worker("w0", 6, false, Integer.MAX_VALUE);
    Files.writeString(out.resolve("r1"), "a file where the result directory should be");
    var run = submit("r1", "{concurrency: [2]}", "{requests: 12}", 1);

    assertThatThrownBy(() -> run.finished().get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
    RunStatus last = runs.status("r1").orElseThrow();
    assertThat(last.phase()).isEqualTo(RunStatus.Phase.FINISHED);
    // what was measured is judged: the interval logs could not be written either
    assertThat(last.outcome()).isEqualTo("degraded");
    assertThat(last.message()).contains("results could not be written");
    assertThat(runs.active()).isEmpty();
    // the coordinator is free for the next run (no 409)
    var next = submit("r2", "{concurrency: [2]}", "{requests: 12}", 1);
    assertThat(next.finished().get(30, TimeUnit.SECONDS).outcome()).isInstanceOf(RunOutcome.Completed.class);
  }

  @Test
  void anExceptionWhileMergingEndsTheRunAtOnceWithItsReasonAndWhatWasMeasured() throws Exception {
    Queue<WorkerProtocol.Command> orders = worker("w0", 0, true, Integer.MAX_VALUE);
    var run = submit("r1", "{concurrency: [2]}", "{duration: 60s}", 1);
    await().atMost(Duration.ofSeconds(30)).until(() -> !FakeWorker.starts(orders).isEmpty());
    WorkerProtocol.StartStep start = FakeWorker.starts(orders).get(0);
    await().atMost(Duration.ofSeconds(30)).until(() -> runs.status("r1").map(s -> s.requestsDone() > 10).orElse(false));
    // a report without counters makes the merge throw (a NullPointerException), not a refusal; it is
    // sent as the worker would (its ref, its key), so it gets as far as the merge
    start.coordinator().tell(new CoordinatorProtocol.Interval("r1",
        new IntervalReport(start.workerId(), start.cell().id(), 1_000_000, 0, 0, Map.of(), null, false), workers.get("w0"), start.key()));

    RunRecord r = run.finished().get(10, TimeUnit.SECONDS);
    assertThat(r.outcome()).isInstanceOf(RunOutcome.Aborted.class);
    assertThat(r.outcome().reason()).contains("failed while handling Report").contains("NullPointerException");
    assertThat(r.cells()).hasSize(1);
    assertThat(r.cells().get(0).cut()).isTrue();
    assertThat(r.cells().get(0).aggregate().ok()).isGreaterThan(10);
    await().atMost(Duration.ofSeconds(30)).until(() -> orders.stream().anyMatch(o -> o instanceof WorkerProtocol.StopStep));
    assertThat(runs.active()).isEmpty();
  }

  @Test
  void aCorruptReportIsRefusedNotAcknowledgedAndNamedInTheOutcome() throws Exception {
    Queue<WorkerProtocol.Command> orders = worker("w0", 60, false, Integer.MAX_VALUE);
    var run = submit("r1", "{concurrency: [2]}", "{requests: 120}", 1);
    await().atMost(Duration.ofSeconds(30)).until(() -> !FakeWorker.starts(orders).isEmpty());
    WorkerProtocol.StartStep start = FakeWorker.starts(orders).get(0);
    var counters = new IntervalCounters(1, 1, Map.of(), Map.of(), 10, 10, 0, 0, 0, 0, -1, -1);
    var corrupt = new IntervalReport(start.workerId(), start.cell().id(), 1_000_000, 0, 0, Map.of(Metric.TTFT, new byte[] {1, 2, 3, 4}), counters, false);
    start.coordinator().tell(new CoordinatorProtocol.Interval("r1", corrupt, workers.get("w0"), start.key()));
    start.coordinator().tell(new CoordinatorProtocol.Interval("r1", corrupt, workers.get("w0"), start.key())); // the worker's resend

    RunRecord r = run.finished().get(30, TimeUnit.SECONDS);
    assertThat(orders).noneMatch(o -> o instanceof WorkerProtocol.ReportAck a && a.sequence() == 1_000_000);
    assertThat(r.outcome()).isInstanceOf(RunOutcome.Degraded.class);
    assertThat(r.outcome().reason()).contains("1 interval report(s) refused").contains("corrupt histogram");
    assertThat(r.cells().get(0).aggregate().ok()).isEqualTo(120); // nothing of it was merged
  }

  @Test
  void reportsAndFailuresThatNameAWorkerWithoutItsKeyAreIgnored() throws Exception {
    Queue<WorkerProtocol.Command> orders = worker("w0", 60, false, Integer.MAX_VALUE);
    var run = submit("r1", "{concurrency: [2]}", "{requests: 120}", 1);
    await().atMost(Duration.ofSeconds(30)).until(() -> !FakeWorker.starts(orders).isEmpty());
    WorkerProtocol.StartStep start = FakeWorker.starts(orders).get(0);
    // what a member with the cluster's certificate could forge: the worker's ref, any key
    OrderKey guessed = OrderKey.random();
    var counters = new IntervalCounters(500, 500, Map.of(), Map.of(), 5000, 5000, 0, 0, 0, 0, -1, -1);
    var forged = new IntervalReport(start.workerId(), start.cell().id(), 1_000_000, 0, 0, Map.of(), counters, false);
    start.coordinator().tell(new CoordinatorProtocol.Interval("r1", forged, workers.get("w0"), guessed));
    start.coordinator().tell(new CoordinatorProtocol.Interval("r1", forged, workers.get("w0"), null));
    start.coordinator().tell(new CoordinatorProtocol.StepFailed("r1", start.workerId(), start.cell().id(), "forged", workers.get("w0"), guessed));
    start.coordinator().tell(new CoordinatorProtocol.WorkerLeaving(workers.get("w0"), guessed));

    RunRecord r = run.finished().get(30, TimeUnit.SECONDS);
    assertThat(r.outcome()).isInstanceOf(RunOutcome.Completed.class);
    assertThat(r.cells().get(0).aggregate().ok()).isEqualTo(120);
    assertThat(orders).noneMatch(o -> o instanceof WorkerProtocol.ReportAck a && a.sequence() == 1_000_000);
  }

  @Test
  void aRunWhoseWorkersNeverArriveEndsNamingHowManyWereExpectedAndJoined() throws Exception {
    worker("w0", 4, false, Integer.MAX_VALUE);
    var run = submit("r1", "{concurrency: [2]}", "{requests: 8}", 3);
    RunRecord r = run.finished().get(20, TimeUnit.SECONDS);
    assertThat(r.outcome()).isInstanceOf(RunOutcome.Aborted.class);
    assertThat(r.outcome().reason()).contains("needs 3 worker(s)").contains("1 joined").contains("worker-join-timeout");
    assertThat(r.cells()).isEmpty();
  }

  @Test
  void aWorkerThatFellSilentBeforeTheCellGetsNoShareOfIt() throws Exception {
    Queue<WorkerProtocol.Command> o0 = worker("w0", 6, false, Integer.MAX_VALUE);
    Queue<WorkerProtocol.Command> o1 = worker("w1", 6, false, Integer.MAX_VALUE);
    Queue<WorkerProtocol.Command> dead = worker("w2", 6, false, 1); // answers the probe at its join, then nothing
    awaitListed(3);
    var run = submit("r1", "{concurrency: [4]}", "{requests: 24}", 2);
    RunRecord r = run.finished().get(30, TimeUnit.SECONDS);

    assertThat(r.outcome()).isInstanceOf(RunOutcome.Completed.class);
    assertThat(r.cells().get(0).workersUsed()).isEqualTo(2);
    assertThat(FakeWorker.starts(o0)).hasSize(1);
    assertThat(FakeWorker.starts(o1)).hasSize(1);
    assertThat(FakeWorker.starts(dead)).isEmpty();
    assertThat(r.cells().get(0).aggregate().ok()).isEqualTo(24);
  }
}
