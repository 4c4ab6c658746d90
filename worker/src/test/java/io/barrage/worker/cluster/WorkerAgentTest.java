package io.barrage.worker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.barrage.protocol.plan.CellSpec;
import io.barrage.protocol.plan.Load;
import io.barrage.protocol.plan.LoadShare;
import io.barrage.protocol.wire.CoordinatorProtocol;
import io.barrage.protocol.wire.WorkerProtocol;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WorkerAgentTest {

  static final String YAML =
      """
      name: t
      targets:
        - {name: sim, api: tgi-stream, url: "http://127.0.0.1:9"}
      workload:
        prompt: {text: hello}
        maxNewTokens: [16]
        load: {concurrency: [2]}
        step: {requests: 10}
      """;

  private ActorTestKit kit;
  private final List<ScriptedStepRun> runs = new CopyOnWriteArrayList<>();
  private final ConcurrentHashMap<String, StepLauncher.StepOrder> orders = new ConcurrentHashMap<>();
  private ActorRef<WorkerAgent.Command> agent;
  private TestProbe<CoordinatorProtocol.Event> coordinator;
  /** Reply addresses the gate treats as "not the coordinator this worker joined". */
  private final java.util.Set<ActorRef<?>> strangers = ConcurrentHashMap.newKeySet();

  @BeforeEach
  void start() {
    // serialize-messages: every message goes through the real wire serializer, as between JVMs
    kit = ActorTestKit.create("agent", ConfigFactory.parseString("pekko.actor.serialize-messages = on\npekko.actor.no-serialization-verification-needed-class-prefix = [\"org.apache.pekko.\", \"io.barrage.worker.cluster.\"]").withFallback(ConfigFactory.load()));
    StepLauncher launcher =
        order -> {
          if (order.target().url().contains(":1/")) throw new IllegalArgumentException("target refused");
          orders.put(order.cell().id(), order);
          ScriptedStepRun r = new ScriptedStepRun(order.workerId(), order.cell().id());
          runs.add(r);
          return r;
        };
    OrderGate gate = replyTo -> strangers.contains(replyTo) ? "not the coordinator" : null;
    agent = kit.spawn(WorkerAgent.create(launcher, new WorkerAgent.Settings(Duration.ofMillis(100), Duration.ofMillis(300)), gate));
    coordinator = kit.createTestProbe(CoordinatorProtocol.Event.class);
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  private ActorRef<WorkerProtocol.Command> workerRef() {
    // the agent answers a clock ping with its wire address
    TestProbe<CoordinatorProtocol.Event> p = kit.createTestProbe(CoordinatorProtocol.Event.class);
    var listing = kit.createTestProbe(org.apache.pekko.actor.typed.receptionist.Receptionist.Listing.class);
    kit.system().receptionist().tell(org.apache.pekko.actor.typed.receptionist.Receptionist.subscribe(WorkerProtocol.SERVICE_KEY, listing.getRef()));
    var found = listing.fishForMessage(Duration.ofSeconds(5), l -> l.getServiceInstances(WorkerProtocol.SERVICE_KEY).isEmpty()
        ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore() : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete());
    ActorRef<WorkerProtocol.Command> ref = found.get(found.size() - 1).getServiceInstances(WorkerProtocol.SERVICE_KEY).iterator().next();
    ref.tell(new WorkerProtocol.ClockPing(1, p.getRef()));
    var pong = p.expectMessageClass(CoordinatorProtocol.ClockPong.class);
    assertThat(Math.abs(pong.workerEpochMicros() / 1000 - System.currentTimeMillis())).isLessThan(5_000);
    return ref;
  }

  private WorkerProtocol.StartStep start(String cellId, String yaml) {
    var cell = new CellSpec(0, cellId, "sim", 16, new Load.Concurrency(2), 1);
    return new WorkerProtocol.StartStep("run1", "w1", yaml, "", cell, new LoadShare(2, 0, 0, 1, 10), System.currentTimeMillis(), coordinator.getRef());
  }

  @Test
  void probesAndOrdersWhoseRepliesWouldGoToAnotherNodeAreRefused() {
    var worker = workerRef();
    TestProbe<CoordinatorProtocol.Event> stranger = kit.createTestProbe(CoordinatorProtocol.Event.class);
    strangers.add(stranger.getRef());
    worker.tell(new WorkerProtocol.ClockPing(7, stranger.getRef()));
    var cell = new CellSpec(0, "hijack", "sim", 16, new Load.Concurrency(2), 1);
    worker.tell(new WorkerProtocol.StartStep("run1", "w1", YAML, "", cell, new LoadShare(2, 0, 0, 1, 10), System.currentTimeMillis(), stranger.getRef()));
    // the real coordinator's order after them is obeyed: the refused ones were handled, not queued
    worker.tell(start("sim/m16/c2", YAML));
    coordinator.expectMessageClass(CoordinatorProtocol.Interval.class, Duration.ofSeconds(5));
    stranger.expectNoMessage(Duration.ofMillis(300));
    assertThat(orders).containsOnlyKeys("sim/m16/c2");
  }

  @Test
  void aScenarioTheCoordinatorsValidatorRefusesStartsNothing() {
    var worker = workerRef();
    String invalid = YAML.replace("maxNewTokens: [16]", "maxNewTokens: [-5]");
    worker.tell(start("sim/m16/c2", invalid));
    var failed = coordinator.expectMessageClass(CoordinatorProtocol.StepFailed.class, Duration.ofSeconds(5));
    assertThat(failed.reason()).contains("maxNewTokens");
    assertThat(orders).isEmpty();
  }

  @Test
  void reportsEveryIntervalAndResendsUntilAcknowledged() {
    var worker = workerRef();
    worker.tell(start("sim/m16/c2", YAML));
    var first = coordinator.expectMessageClass(CoordinatorProtocol.Interval.class, Duration.ofSeconds(5));
    assertThat(first.report().sequence()).isEqualTo(0);
    assertThat(first.report().workerId()).isEqualTo("w1");
    assertThat(orders.get("sim/m16/c2").target().url()).isEqualTo("http://127.0.0.1:9");
    // never acknowledged: sequence 0 comes again
    var again = coordinator.fishForMessage(Duration.ofSeconds(5), e ->
        e instanceof CoordinatorProtocol.Interval i && i.report().sequence() == 0
            ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
            : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore());
    assertThat(again).isNotEmpty();
  }

  @Test
  void theStepEndsWithALastReportAndTheAgentForgetsAcknowledgedReports() {
    var worker = workerRef();
    worker.tell(start("sim/m16/c2", YAML));
    var first = coordinator.expectMessageClass(CoordinatorProtocol.Interval.class, Duration.ofSeconds(5));
    worker.tell(new WorkerProtocol.ReportAck("run1", first.report().cellId(), 0));
    runs.get(0).done.complete(null);
    var last = coordinator.fishForMessage(Duration.ofSeconds(5), e ->
        e instanceof CoordinatorProtocol.Interval i && i.report().last()
            ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
            : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore());
    var lastReport = ((CoordinatorProtocol.Interval) last.get(last.size() - 1)).report();
    for (long s = 0; s <= lastReport.sequence(); s++) worker.tell(new WorkerProtocol.ReportAck("run1", lastReport.cellId(), s));
    // once everything is acknowledged, nothing is resent: a flush completes at once
    var flushed = kit.createTestProbe(Done.class);
    agent.tell(new WorkerAgent.Flush(flushed.getRef()));
    flushed.expectMessage(Duration.ofSeconds(5), Done.getInstance());
  }

  @Test
  void resizeAndStopReachTheRunningStep() {
    var worker = workerRef();
    worker.tell(start("sim/m16/c2", YAML));
    coordinator.expectMessageClass(CoordinatorProtocol.Interval.class, Duration.ofSeconds(5));
    worker.tell(new WorkerProtocol.ResizeStep("run1", "sim/m16/c2", new LoadShare(3, 0, 0, 1, 15)));
    worker.tell(new WorkerProtocol.StopStep("run1", "sim/m16/c2"));
    coordinator.fishForMessage(Duration.ofSeconds(5), e ->
        e instanceof CoordinatorProtocol.Interval i && i.report().last()
            ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
            : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore());
    assertThat(runs.get(0).resizes).containsExactly(new LoadShare(3, 0, 0, 1, 15));
    assertThat(runs.get(0).stopped).isTrue();
  }

  @Test
  void aFlushAnnouncesTheLeaveStopsTheStepAndWaitsForTheLastAcknowledgement() {
    var worker = workerRef();
    worker.tell(start("sim/m16/c2", YAML));
    coordinator.expectMessageClass(CoordinatorProtocol.Interval.class, Duration.ofSeconds(5));
    var flushed = kit.createTestProbe(Done.class);
    agent.tell(new WorkerAgent.Flush(flushed.getRef()));
    var msgs = coordinator.fishForMessage(Duration.ofSeconds(5), e ->
        e instanceof CoordinatorProtocol.Interval i && i.report().last()
            ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
            : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndCollect());
    assertThat(msgs).anyMatch(m -> m instanceof CoordinatorProtocol.WorkerLeaving);
    flushed.expectNoMessage(Duration.ofMillis(200)); // not acknowledged yet
    long lastSeq = ((CoordinatorProtocol.Interval) msgs.get(msgs.size() - 1)).report().sequence();
    for (long s = 0; s <= lastSeq; s++) worker.tell(new WorkerProtocol.ReportAck("run1", "sim/m16/c2", s));
    flushed.expectMessage(Duration.ofSeconds(5), Done.getInstance());
  }

  @Test
  void aWorkerStillAcknowledgedByItsCoordinatorGoesOnWhenTheClusterMarksTheCoordinatorUnreachable() {
    var worker = workerRef();
    worker.tell(start("sim/m16/c2", YAML));
    var first = coordinator.expectMessageClass(CoordinatorProtocol.Interval.class, Duration.ofSeconds(5));
    worker.tell(new WorkerProtocol.ReportAck("run1", first.report().cellId(), first.report().sequence()));
    // another member (cut off alone) made the cluster mark the coordinator unreachable; this
    // worker heard from it just now
    agent.tell(new WorkerAgent.CoordinatorSilent(Duration.ofSeconds(2), "the coordinator has been unreachable for 2000 ms"));
    // a probe answered after it: the agent has handled the silence by then
    TestProbe<CoordinatorProtocol.Event> p = kit.createTestProbe(CoordinatorProtocol.Event.class);
    worker.tell(new WorkerProtocol.ClockPing(2, p.getRef()));
    p.expectMessageClass(CoordinatorProtocol.ClockPong.class);
    assertThat(runs.get(0).stopped).isFalse();
  }

  @Test
  void aWorkerThatHeardNothingFromItsCoordinatorForTheBoundStopsTheLoad() {
    var worker = workerRef();
    worker.tell(start("sim/m16/c2", YAML));
    coordinator.expectMessageClass(CoordinatorProtocol.Interval.class, Duration.ofSeconds(5));
    // nothing acknowledged since the start order: silent for longer than a bound of 50 ms
    kit.createTestProbe().awaitAssert(Duration.ofSeconds(5), () -> {
      agent.tell(new WorkerAgent.CoordinatorSilent(Duration.ofMillis(50), "the coordinator has been unreachable for 50 ms"));
      assertThat(runs.get(0).stopped).isTrue();
      return null;
    });
  }

  @Test
  void aStepTheEngineRefusesIsReportedAsFailedWithItsReason() {
    var worker = workerRef();
    worker.tell(start("sim/m16/c2", YAML.replace("127.0.0.1:9", "127.0.0.1:1/x")));
    var failed = coordinator.expectMessageClass(CoordinatorProtocol.StepFailed.class, Duration.ofSeconds(5));
    assertThat(failed.reason()).isEqualTo("target refused");
    assertThat(failed.workerId()).isEqualTo("w1");
  }
}
