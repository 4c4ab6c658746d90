package io.barrage.coordinator.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.barrage.coordinator.node.CoordinatorNode;
import io.barrage.protocol.metrics.Histograms;
import io.barrage.protocol.metrics.Metric;
import io.barrage.protocol.plan.LoadShare;
import io.barrage.protocol.results.RunOutcome;
import io.barrage.protocol.results.RunRecord;
import io.barrage.protocol.results.WorkerEvent;
import io.barrage.protocol.scenario.Scenario;
import io.barrage.protocol.scenario.ScenarioLoader;
import io.barrage.protocol.wire.WorkerProtocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Props;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCoordinatorIT {

  static String scenario(String load, String step, String policy) {
    return """
        name: coord-test
        targets:
          - {name: a, api: tgi-stream, url: "http://127.0.0.1:9"}
        workload:
          prompt: {text: hello}
          maxNewTokens: [16]
          load: %s
          step: %s
        onWorkerLoss: %s
        """.formatted(load, step, policy);
  }

  @TempDir Path out;
  private CoordinatorNode node;
  private final List<RunRecord> written = new ArrayList<>();

  @BeforeEach
  void start() {
    node = CoordinatorNode.start(
        new CoordinatorNode.Settings("127.0.0.1", "127.0.0.1", 0, -1, "127.0.0.1", false, "t", out, out),
        (run, dir) -> written.add(run));
  }

  @AfterEach
  void stop() {
    node.close();
  }

  private ActorRef<Object> worker(String name, int intervals, boolean forever, Histogram all, Queue<WorkerProtocol.Command> orders, long[] tokens) {
    return node.system().systemActorOf(FakeWorker.create(intervals, forever, all, orders, tokens), name, Props.empty());
  }

  private RunRecord run(String yaml, int minWorkers) throws Exception {
    Scenario s = ScenarioLoader.parse(yaml, null);
    var submitted = node.runs().submit(new RunOrder("r1", s, yaml, null, out.resolve("r1"), minWorkers));
    assertThat(submitted).isInstanceOf(Runs.Submitted.Accepted.class);
    return ((Runs.Submitted.Accepted) submitted).finished().get(60, TimeUnit.SECONDS);
  }

  @Test
  void theLoadIsSplitExactlyAndTheMergedHistogramEqualsAllSamples() throws Exception {
    Histogram all = Histograms.create();
    long[] tokens = new long[1];
    List<Queue<WorkerProtocol.Command>> logs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Queue<WorkerProtocol.Command> log = FakeWorker.newOrderLog();
      logs.add(log);
      worker("w" + i, 4, false, all, log, tokens);
    }
    RunRecord r = run(scenario("{concurrency: [10, 7]}", "{requests: 30}", "rebalance"), 3);

    assertThat(r.outcome()).isInstanceOf(RunOutcome.Completed.class);
    assertThat(r.cells()).hasSize(2);
    // after the first of the two cells the run so far was written (a crash would keep it), then the result
    assertThat(written).hasSize(2).endsWith(r);
    assertThat(written.get(0).outcome()).isInstanceOf(RunOutcome.Interrupted.class);
    assertThat(written.get(0).cells()).hasSize(1);
    // 10 streams over 3 workers: 4 + 3 + 3; 7 over 3: 3 + 2 + 2; request quotas follow the streams: 12 + 9 + 9
    List<LoadShare> first = logs.stream().map(l -> FakeWorker.starts(l).get(0).share()).toList();
    assertThat(first).extracting(LoadShare::streams).containsExactlyInAnyOrder(4, 3, 3);
    assertThat(first).extracting(LoadShare::requestQuota).containsExactlyInAnyOrder(12L, 9L, 9L);
    List<LoadShare> second = logs.stream().map(l -> FakeWorker.starts(l).get(1).share()).toList();
    assertThat(second).extracting(LoadShare::streams).containsExactlyInAnyOrder(3, 2, 2);
    // every worker got the same start instant (same clock here, so the same value within the offset noise)
    long s0 = FakeWorker.starts(logs.get(0)).get(0).startAtEpochMs();
    assertThat(logs).allSatisfy(l -> assertThat(Math.abs(FakeWorker.starts(l).get(0).startAtEpochMs() - s0)).isLessThan(50));

    Histogram merged = Histograms.create();
    long mergedTokens = 0;
    for (var c : r.cells()) {
      merged.add(c.aggregate().histogram(Metric.TTFT));
      mergedTokens += c.aggregate().outputTokens();
    }
    synchronized (all) {
      assertThat(merged).isEqualTo(all);
    }
    assertThat(mergedTokens).isEqualTo(tokens[0]);

    // the interval logs hold every interval: reading them back gives the same histogram
    Path hlog = out.resolve("r1/histograms/a_m16_c10_ttft.hlog");
    assertThat(hlog).exists();
    Histogram fromLog = Histograms.create();
    HistogramLogReader reader = new HistogramLogReader(hlog.toFile());
    int intervals = 0;
    while (reader.nextIntervalHistogram() instanceof Histogram h) {
      fromLog.add(h);
      intervals++;
    }
    assertThat(intervals).isEqualTo(12);
    assertThat(fromLog).isEqualTo(r.cells().get(0).aggregate().histogram(Metric.TTFT));
    assertThat(Files.readString(hlog)).contains("Tag=");
  }

  @Test
  void survivorsPickUpTheShareOfALostWorker() throws Exception {
    Histogram all = Histograms.create();
    long[] tokens = new long[1];
    Queue<WorkerProtocol.Command> l0 = FakeWorker.newOrderLog(), l1 = FakeWorker.newOrderLog(), l2 = FakeWorker.newOrderLog();
    worker("w0", 0, true, all, l0, tokens);
    worker("w1", 0, true, all, l1, tokens);
    ActorRef<Object> doomed = worker("w2", 0, true, all, l2, tokens);
    var s = ScenarioLoader.parse(scenario("{concurrency: [9]}", "{duration: 3s}", "rebalance"), null);
    var submitted = (Runs.Submitted.Accepted) node.runs().submit(new RunOrder("r1", s, scenario("{concurrency: [9]}", "{duration: 3s}", "rebalance"), null, out.resolve("r1"), 3));
    // once it reported, the third worker dies: its receptionist entry goes away
    await("more than 20 requests done").atMost(Duration.ofSeconds(30)).until(() -> node.runs().status("r1").map(st -> st.requestsDone() > 20).orElse(false));
    doomed.tell(new FakeWorker.Die());
    await("both survivors resized").atMost(Duration.ofSeconds(30)).until(() -> l0.stream().anyMatch(o -> o instanceof WorkerProtocol.ResizeStep) && l1.stream().anyMatch(o -> o instanceof WorkerProtocol.ResizeStep));
    // the survivors now carry all 9 streams between them
    var r0 = (WorkerProtocol.ResizeStep) l0.stream().filter(o -> o instanceof WorkerProtocol.ResizeStep).findFirst().orElseThrow();
    var r1 = (WorkerProtocol.ResizeStep) l1.stream().filter(o -> o instanceof WorkerProtocol.ResizeStep).findFirst().orElseThrow();
    assertThat(r0.share().streams() + r1.share().streams()).isEqualTo(9);
    // stop the endless fake workers' cell
    node.runs().stop("r1", "test done");
    RunRecord r = submitted.finished().get(60, TimeUnit.SECONDS);
    WorkerEvent lost = r.workerEvents().stream().filter(e -> e.kind() == WorkerEvent.Kind.LOST).findFirst().orElseThrow();
    assertThat(lost.workerId()).endsWith("/w2");
    assertThat(lost.requestsLost()).isEqualTo(3); // its in-flight at its last report
    assertThat(lost.capacityShare()).isEqualTo(3.0 / 9);
    assertThat(lost.cellId()).isEqualTo("a/m16/c9");
    assertThat(r.workerEvents()).anyMatch(e -> e.kind() == WorkerEvent.Kind.REBALANCED);
    assertThat(r.cells().get(0).incomplete()).isEqualTo(3);
  }

  @Test
  void theAbortPolicyEndsTheRunWhenAWorkerIsLost() throws Exception {
    Histogram all = Histograms.create();
    long[] tokens = new long[1];
    Queue<WorkerProtocol.Command> l0 = FakeWorker.newOrderLog();
    worker("w0", 0, true, all, l0, tokens);
    ActorRef<Object> doomed = worker("w1", 0, true, all, FakeWorker.newOrderLog(), tokens);
    String yaml = scenario("{concurrency: [4, 8]}", "{duration: 30s}", "abort");
    var submitted = (Runs.Submitted.Accepted) node.runs().submit(new RunOrder("r1", ScenarioLoader.parse(yaml, null), yaml, null, out.resolve("r1"), 2));
    await("more than 10 requests done").atMost(Duration.ofSeconds(30)).until(() -> node.runs().status("r1").map(st -> st.requestsDone() > 10).orElse(false));
    doomed.tell(new FakeWorker.Die());
    RunRecord r = submitted.finished().get(60, TimeUnit.SECONDS);
    assertThat(r.outcome()).isInstanceOf(RunOutcome.Aborted.class);
    assertThat(((RunOutcome.Aborted) r.outcome()).reason()).contains("abort");
    assertThat(r.cells()).hasSize(1); // the second cell never started
    assertThat(l0).anyMatch(o -> o instanceof WorkerProtocol.StopStep);
  }
}
