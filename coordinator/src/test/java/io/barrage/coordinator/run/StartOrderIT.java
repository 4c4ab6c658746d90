package io.barrage.coordinator.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.coordinator.node.CoordinatorNode;
import io.barrage.protocol.results.RunOutcome;
import io.barrage.protocol.results.RunRecord;
import io.barrage.protocol.scenario.ScenarioLoader;
import io.barrage.protocol.wire.CoordinatorProtocol;
import io.barrage.protocol.wire.OrderKey;
import io.barrage.protocol.wire.WorkerProtocol;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start order that never arrives must not leave a run in RUNNING: a scenario too large for one
 * cluster frame is refused at submission, and a cell whose worker stays silent after its start
 * instant aborts the run with the reason.
 */
class StartOrderIT {

  @TempDir Path out;
  private CoordinatorNode node;

  @BeforeEach
  void start() {
    node = CoordinatorNode.start(new CoordinatorNode.Settings("127.0.0.1", "127.0.0.1", 0, -1, "127.0.0.1", false, "t", out, out),
        (run, dir) -> {});
  }

  @AfterEach
  void stop() {
    node.close();
  }

  /** Joins and answers clock probes, but never acts on a start order (as if it never arrived). */
  private static Behavior<Object> deafWorker(Queue<WorkerProtocol.Command> orders) {
    OrderKey key = OrderKey.random();
    return Behaviors.setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.register(WorkerProtocol.SERVICE_KEY, ctx.getSelf().<WorkerProtocol.Command>narrow()));
      return Behaviors.receive(Object.class)
          .onMessage(WorkerProtocol.ClockPing.class, p -> {
            p.replyTo().tell(new CoordinatorProtocol.ClockPong(p.probeId(), io.barrage.common.time.EpochTime.epochMicros(), ctx.getSelf().<WorkerProtocol.Command>narrow(), key));
            return Behaviors.same();
          })
          .onMessage(WorkerProtocol.Command.class, c -> {
            orders.add(c);
            return Behaviors.same();
          })
          .build();
    });
  }

  @Test
  void aWorkerThatNeverTakesItsStartOrderAbortsTheRunInsteadOfLeavingItRunning() throws Exception {
    Queue<WorkerProtocol.Command> orders = FakeWorker.newOrderLog();
    node.system().systemActorOf(deafWorker(orders), "deaf", Props.empty());
    RunSettings quick = new RunSettings(Duration.ofMillis(200), Duration.ofMillis(300), Duration.ofSeconds(2), Duration.ofSeconds(5), 50,
        Duration.ofSeconds(2), RunSettings.DEFAULT_WORKER_JOIN_TIMEOUT);
    try (Runs runs = new Runs(node.system(), quick, (run, dir) -> {})) {
      String yaml = RunCoordinatorIT.scenario("{concurrency: [2]}", "{duration: 60s}", "rebalance");
      var submitted = runs.submit(new RunOrder("r1", ScenarioLoader.parse(yaml, null), yaml, null, out.resolve("r1"), 1));
      RunRecord r = ((Runs.Submitted.Accepted) submitted).finished().get(30, TimeUnit.SECONDS);
      assertThat(orders).hasAtLeastOneElementOfType(WorkerProtocol.StartStep.class);
      assertThat(r.outcome()).isInstanceOf(RunOutcome.Aborted.class);
      assertThat(((RunOutcome.Aborted) r.outcome()).reason()).contains("sent nothing within 2s of the cell's start");
      assertThat(runs.status("r1").orElseThrow().phase()).isEqualTo(RunStatus.Phase.FINISHED);
    }
  }

  @Test
  void aScenarioTooLargeForOneClusterFrameIsRefusedAtSubmission() throws Exception {
    // a long inline prompt: 1,040,000 bytes of YAML, under the 1 MiB frame but not with the rest of the order
    String prompt = "x".repeat(1_040_000);
    String yaml = RunCoordinatorIT.scenario("{concurrency: [2]}", "{requests: 4}", "rebalance").replace("{text: hello}", "{text: " + prompt + "}");
    var submitted = node.runs().submit(new RunOrder("big", ScenarioLoader.parse(yaml, null), yaml, null, out.resolve("big"), 1));
    assertThat(submitted).isInstanceOf(Runs.Submitted.TooLarge.class);
    assertThat(((Runs.Submitted.TooLarge) submitted).reason())
        .contains("maximum-frame-size").contains("workload.prompt.dataset").contains(Integer.toString(1024 * 1024));
    assertThat(node.runs().list()).isEmpty();
    // just under the limit is accepted
    String fits = yaml.replace(prompt, "x".repeat(1_000_000));
    assertThat(node.runs().submit(new RunOrder("fits", ScenarioLoader.parse(fits, null), fits, null, out.resolve("fits"), 1)))
        .isInstanceOf(Runs.Submitted.Accepted.class);
  }
}
