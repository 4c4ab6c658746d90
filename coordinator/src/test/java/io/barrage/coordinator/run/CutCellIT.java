package io.barrage.coordinator.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.barrage.coordinator.node.CoordinatorNode;
import io.barrage.coordinator.report.SummaryBuilder;
import io.barrage.coordinator.report.model.CellSummary;
import io.barrage.protocol.metrics.Histograms;
import io.barrage.protocol.results.CellRecord;
import io.barrage.protocol.results.RunOutcome;
import io.barrage.protocol.results.RunRecord;
import io.barrage.protocol.scenario.ScenarioLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cell cut before its plan is marked so, and its throughput is divided by the time it really measured. */
class CutCellIT {

  @TempDir Path out;
  private CoordinatorNode node;

  @BeforeEach
  void start() {
    node = CoordinatorNode.start(new CoordinatorNode.Settings("127.0.0.1", "127.0.0.1", 0, -1, "127.0.0.1", false, "t", out, out), (run, dir) -> {});
  }

  @AfterEach
  void stop() {
    node.close();
  }

  private ActorRef<Object> endlessWorker(String name) {
    return node.system().systemActorOf(FakeWorker.create(0, true, Histograms.create(), FakeWorker.newOrderLog(), new long[1]), name, Props.empty());
  }

  private Runs.Submitted.Accepted submit(String load, String step) throws Exception {
    String yaml = RunCoordinatorIT.scenario(load, step, "rebalance");
    return (Runs.Submitted.Accepted) node.runs().submit(new RunOrder("r1", ScenarioLoader.parse(yaml, null), yaml, null, out.resolve("r1"), 1));
  }

  private void awaitRequests(long n) {
    await("more than " + n + " requests done").atMost(Duration.ofSeconds(30))
        .until(() -> node.runs().status("r1").map(s -> s.requestsDone() > n).orElse(false));
  }

  @Test
  void aDurationCellStoppedEarlyIsDividedByTheTimeItMeasuredNotItsPlan() throws Exception {
    endlessWorker("w0");
    var run = submit("{concurrency: [4]}", "{duration: 60s}");
    awaitRequests(300); // ~3.7 s of 50 ms reports: past the cell's start instant (1.5 s after the order)
    long stoppedFrom = System.currentTimeMillis();
    node.runs().stop("r1", "DELETE from the test");
    long stoppedBy = System.currentTimeMillis();
    RunRecord r = run.finished().get(30, TimeUnit.SECONDS);

    assertThat(r.outcome()).isInstanceOf(RunOutcome.Aborted.class);
    CellRecord cell = r.cells().get(0);
    assertThat(cell.cut()).isTrue();
    // the measurement started at the cell's start instant and ended at the stop (which the actor
    // handles a moment after the call): far less than 60 s
    assertThat(cell.windowSeconds()).isBetween((stoppedFrom - cell.startedAtEpochMs()) / 1000.0, (stoppedBy + 500 - cell.startedAtEpochMs()) / 1000.0);
    CellSummary s = SummaryBuilder.summary(r).targets().get(0).cells().get(0);
    assertThat(s.status()).isEqualTo(CellSummary.INTERRUPTED);
    assertThat(s.throughput().outputTokensPerSecond()).isCloseTo(cell.aggregate().outputTokens() / cell.windowSeconds(), org.assertj.core.data.Offset.offset(0.01));
    // the report says so
    io.barrage.coordinator.report.ResultWriter.write(r, out.resolve("written"));
    assertThat(java.nio.file.Files.readString(out.resolve("written/report.html"))).contains("id=\"alert-interrupted\"").contains(cell.spec().id());
  }

  @Test
  void aCellWhoseEveryWorkerWasLostIsMeasuredUpToItsLastReport() throws Exception {
    ActorRef<Object> only = endlessWorker("w0");
    var run = submit("{concurrency: [4]}", "{duration: 60s}");
    awaitRequests(300); // ~3.7 s of 50 ms reports: past the cell's start instant (1.5 s after the order)
    long diedAt = System.currentTimeMillis();
    only.tell(new FakeWorker.Die());
    RunRecord r = run.finished().get(30, TimeUnit.SECONDS);

    CellRecord cell = r.cells().get(0);
    assertThat(cell.cut()).isTrue();
    assertThat(r.outcome()).isInstanceOf(RunOutcome.Degraded.class);
    assertThat(r.outcome().reason()).contains("cut short: " + cell.spec().id());
    // reports came every 50 ms until the worker died
    double upToDeath = (diedAt - cell.startedAtEpochMs()) / 1000.0;
    assertThat(cell.windowSeconds()).isBetween(upToDeath - 0.5, upToDeath + 0.2);
  }

  @Test
  void anInterruptedRunEndsInterruptedWithTheRunningCellCutAndNoFurtherCell() throws Exception {
    endlessWorker("w0");
    var run = submit("{concurrency: [4, 8]}", "{duration: 60s}");
    awaitRequests(300); // ~3.7 s of 50 ms reports: past the cell's start instant (1.5 s after the order)
    long t0 = System.nanoTime();
    assertThat(node.runs().interruptActive("SIGTERM from the test", java.time.Duration.ofSeconds(10))).isTrue();
    RunRecord r = run.finished().get(1, TimeUnit.SECONDS);
    double tookSeconds = (System.nanoTime() - t0) / 1e9;

    assertThat(r.outcome()).isInstanceOf(RunOutcome.Interrupted.class);
    assertThat(r.outcome().reason()).contains("SIGTERM from the test");
    assertThat(r.cells()).hasSize(1);
    assertThat(r.cells().get(0).cut()).isTrue();
    assertThat(r.cells().get(0).aggregate().finishedWorkers()).hasSize(1); // its last report arrived
    assertThat(tookSeconds).as("interrupt handled within the grace").isLessThan(10);
  }

  @Test
  void aWorkerLostDuringTheWarmUpLosesNoMeasuredRequest() throws Exception {
    ActorRef<Object> only = endlessWorker("w0");
    var run = submit("{concurrency: [4]}", "{duration: 60s, warmup: 30s}");
    awaitRequests(40);
    only.tell(new FakeWorker.Die());
    RunRecord r = run.finished().get(30, TimeUnit.SECONDS);

    var lost = r.workerEvents().stream().filter(e -> e.kind() == io.barrage.protocol.results.WorkerEvent.Kind.LOST).findFirst().orElseThrow();
    // it had 4 requests in flight, all started in the warm-up: nothing measured was lost
    assertThat(lost.requestsLost()).isZero();
    assertThat(r.cells().get(0).incomplete()).isZero();
  }
}
