package io.barrage.coordinator.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.coordinator.node.CoordinatorNode;
import io.barrage.protocol.metrics.Histograms;
import io.barrage.protocol.results.RunOutcome;
import io.barrage.protocol.results.RunRecord;
import io.barrage.protocol.scenario.Deployment;
import io.barrage.protocol.scenario.Scenario;
import io.barrage.protocol.scenario.ScenarioLoader;
import io.barrage.protocol.scenario.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.apache.pekko.actor.typed.Props;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Runs} calls the platform's hooks around a run, in order, and never fails a run for them. */
class RunHooksIT {
  static final String YAML =
      """
      name: hooks
      targets:
        - {name: a, api: tgi-stream, url: "http://127.0.0.1:9"}
      workload:
        prompt: {text: hello}
        maxNewTokens: [16]
        load: {concurrency: [2]}
        step: {requests: 4}
      """;

  @TempDir Path out;
  private CoordinatorNode node;

  private void start(RunHooks hooks) {
    node = CoordinatorNode.start(
        new CoordinatorNode.Settings("127.0.0.1", "127.0.0.1", 0, -1, "127.0.0.1", false, "t", out, out),
        (run, dir) -> {
          Files.createDirectories(dir);
          Files.writeString(dir.resolve("summary.json"), "{}");
        },
        hooks, 1);
    node.system().systemActorOf(FakeWorker.create(3, false, Histograms.create(), FakeWorker.newOrderLog(), new long[1]), "w0", Props.empty());
  }

  @AfterEach
  void stop() {
    if (node != null) node.close();
  }

  private Runs.Submitted.Accepted submit() throws Exception {
    return (Runs.Submitted.Accepted) node.runs().submit(new RunOrder("r1", ScenarioLoader.parse(YAML, null), YAML, null, out.resolve("r1"), 1));
  }

  @Test
  void theScenarioFromBeforePlanIsTheOneRecordedAndTheExportSeesWrittenResultsBeforeFinished() throws Exception {
    List<String> calls = new CopyOnWriteArrayList<>();
    start(new RunHooks() {
      @Override
      public Scenario beforePlan(Scenario s) {
        calls.add("beforePlan");
        Target t = s.targets().get(0);
        Target filled = new Target(t.name(), t.api(), t.url(), t.model(), new Deployment("g5.12xlarge", 2, 2, null, 2.836, "NVIDIA-A10G"), t.auth(), t.fastapi(), t.stream());
        return new Scenario(s.name(), List.of(filled), s.workload(), s.comparison(), s.slo(), s.failOn(), s.recommendations(), s.repeat(), s.onWorkerLoss());
      }

      @Override
      public void ensureWorkers(int needed, IntSupplier workersUp) {
        calls.add("ensureWorkers(" + needed + ")");
      }

      @Override
      public void afterResults(Path runDir, String runId) {
        boolean written = Files.exists(runDir.resolve("summary.json"));
        RunStatus.Phase phase = node.runs().status(runId).orElseThrow().phase();
        calls.add("afterResults(" + runDir.getFileName() + "," + runId + ",written=" + written + "," + phase + ")");
      }
    });
    var submitted = submit();
    RunRecord record = submitted.finished().get(60, TimeUnit.SECONDS);

    assertThat(record.scenario().targets().get(0).deployment().instance()).isEqualTo("g5.12xlarge");
    assertThat(calls).containsExactly("beforePlan", "ensureWorkers(1)", "afterResults(r1,r1,written=true,WRITING_RESULTS)");
    RunStatus last = node.runs().status("r1").orElseThrow();
    assertThat(last.phase()).isEqualTo(RunStatus.Phase.FINISHED);
    assertThat(last.gateFailures()).isEmpty();
  }

  @Test
  void hooksThatThrowNeverFailTheRun() throws Exception {
    start(new RunHooks() {
      @Override
      public Scenario beforePlan(Scenario s) {
        throw new IllegalStateException("API down");
      }

      @Override
      public void ensureWorkers(int needed, IntSupplier workersUp) {
        throw new IllegalStateException("API down");
      }

      @Override
      public void afterResults(Path runDir, String runId) {
        throw new IllegalStateException("API down");
      }
    });
    RunRecord record = submit().finished().get(60, TimeUnit.SECONDS);
    assertThat(record.outcome()).isInstanceOf(RunOutcome.Completed.class);
    assertThat(record.scenario().targets().get(0).deployment()).isNull();
    assertThat(node.runs().status("r1").orElseThrow().outcome()).isEqualTo("completed");
  }

  @Test
  void aRunStoppedWhileBeingPreparedEndsAbortedAsSoonAsItStarts() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    start(new RunHooks() {
      @Override
      public Scenario beforePlan(Scenario s) {
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return s;
      }
    });
    var submitted = submit();
    assertThat(node.runs().status("r1").orElseThrow().message()).isEqualTo("preparing the run");
    assertThat(node.runs().stop("r1", "changed my mind")).isTrue();
    release.countDown();
    RunRecord record = submitted.finished().get(60, TimeUnit.SECONDS);
    assertThat(record.outcome()).isInstanceOf(RunOutcome.Aborted.class);
    assertThat(((RunOutcome.Aborted) record.outcome()).reason()).contains("changed my mind");
  }
}
