package io.barrage.worker.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import io.barrage.protocol.plan.CellSpec;
import io.barrage.protocol.plan.Load;
import io.barrage.protocol.plan.LoadShare;
import io.barrage.protocol.scenario.TestScenario;
import io.barrage.protocol.wire.CoordinatorProtocol;
import io.barrage.protocol.wire.OrderKey;
import io.barrage.protocol.wire.WorkerProtocol;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ManualTime;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The worker's agent on the test kit's manual clock: a report goes out on each tick of the report
 * timer, and one left unacknowledged is resent exactly when the clock passes the resend bound.
 */
class WorkerAgentTest {
  static final Duration INTERVAL = Duration.ofMillis(100);
  static final Duration RESEND_AFTER = Duration.ofMillis(300);

  static final TestScenario SCENARIO = TestScenario.named("t").target("sim", TestScenario.NOWHERE);
  static final String YAML = SCENARIO.yaml();

  private ActorTestKit kit;
  private ManualTime time;
  private final List<ScriptedStepRun> runs = new CopyOnWriteArrayList<>();
  private final ConcurrentHashMap<String, io.barrage.worker.engine.StepRequest> orders = new ConcurrentHashMap<>();
  private ActorRef<WorkerAgent.Command> agent;
  private TestProbe<CoordinatorProtocol.Event> coordinator;
  /** Reply addresses the gate treats as "not the coordinator this worker joined". */
  private final java.util.Set<ActorRef<?>> strangers = ConcurrentHashMap.newKeySet();
  /** The key the agent sent in its clock answer: what the coordinator puts into every order. */
  private OrderKey key;

  @BeforeEach
  void start() {
    // serialize-messages: every message goes through the real wire serializer, as between JVMs
    kit = ActorTestKit.create("agent", ManualTime.config().withFallback(ConfigFactory.parseString("pekko.actor.serialize-messages = on\npekko.actor.no-serialization-verification-needed-class-prefix = [\"org.apache.pekko.\", \"io.barrage.worker.cluster.\"]").withFallback(ConfigFactory.load())));
    time = ManualTime.get(kit.system());
    StepLauncher launcher =
        order -> {
          if (order.target().url().contains(":1/")) throw new IllegalArgumentException("target refused");
          orders.put(order.cell().id(), order);
          ScriptedStepRun r = new ScriptedStepRun(order.workerId(), order.cell().id());
          runs.add(r);
          return r;
        };
    OrderGate gate = replyTo -> strangers.contains(replyTo) ? "not the coordinator" : null;
    agent = kit.spawn(WorkerAgent.create(launcher, new WorkerAgent.Settings(INTERVAL, RESEND_AFTER), gate));
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
    key = pong.key();
    return ref;
  }

  /** Orders the step and waits until the agent has launched it, so that the next tick reports it. */
  private void startAndAwaitLaunch(ActorRef<WorkerProtocol.Command> worker, String cellId) {
    worker.tell(start(cellId, YAML));
    await("the step " + cellId + " launched").atMost(Duration.ofSeconds(5)).until(() -> orders.containsKey(cellId));
  }

  /** The report sequence numbers the coordinator received, in order. */
  private List<Long> receivedSequences(int n) {
    return coordinator.receiveSeveralMessages(n, Duration.ofSeconds(5)).stream()
        .map(e -> ((CoordinatorProtocol.Interval) e).report().sequence()).toList();
  }

  private WorkerProtocol.StartStep start(String cellId, String yaml) {
    var cell = new CellSpec(0, cellId, "sim", 16, new Load.Concurrency(2), 1);
    return new WorkerProtocol.StartStep("run1", "w1", yaml, "", cell, new LoadShare(2, 0, 0, 1, 10), System.currentTimeMillis(), coordinator.getRef(), key);
  }

  @Test
  void probesAndOrdersWhoseRepliesWouldGoToAnotherNodeAreRefused() {
    var worker = workerRef();
    TestProbe<CoordinatorProtocol.Event> stranger = kit.createTestProbe(CoordinatorProtocol.Event.class);
    strangers.add(stranger.getRef());
    worker.tell(new WorkerProtocol.ClockPing(7, stranger.getRef()));
    var cell = new CellSpec(0, "hijack", "sim", 16, new Load.Concurrency(2), 1);
    worker.tell(new WorkerProtocol.StartStep("run1", "w1", YAML, "", cell, new LoadShare(2, 0, 0, 1, 10), System.currentTimeMillis(), stranger.getRef(), key));
    // the real coordinator's order after them is obeyed: the refused ones were handled, not queued
    startAndAwaitLaunch(worker, "sim/m16/c2");
    time.timePasses(INTERVAL);
    coordinator.expectMessageClass(CoordinatorProtocol.Interval.class, Duration.ofSeconds(5));
    stranger.expectNoMessage(Duration.ofMillis(300));
    assertThat(orders).containsOnlyKeys("sim/m16/c2");
  }

  @Test
  void ordersWithoutTheKeyTheWorkerSentAreRefusedEvenWhenTheirReplyToIsTheCoordinator() {
    var worker = workerRef();
    OrderKey guessed = OrderKey.random();
    var cell = new CellSpec(0, "hijack", "sim", 16, new Load.Concurrency(2), 1);
    // the reply-to is the coordinator itself: only the key tells these orders from its own
    worker.tell(new WorkerProtocol.StartStep("run1", "w1", YAML, "", cell, new LoadShare(2, 0, 0, 1, 10), System.currentTimeMillis(), coordinator.getRef(), guessed));
    worker.tell(new WorkerProtocol.StartStep("run1", "w1", YAML, "", cell, new LoadShare(2, 0, 0, 1, 10), System.currentTimeMillis(), coordinator.getRef(), null));
    startAndAwaitLaunch(worker, "sim/m16/c2");
    time.timePasses(INTERVAL);
    var first = coordinator.expectMessageClass(CoordinatorProtocol.Interval.class, Duration.ofSeconds(5));
    assertThat(first.key()).isEqualTo(key);
    worker.tell(new WorkerProtocol.ResizeStep("run1", "sim/m16/c2", new LoadShare(9, 0, 0, 1, 45), guessed));
    worker.tell(new WorkerProtocol.StopStep("run1", "sim/m16/c2", guessed));
    worker.tell(new WorkerProtocol.StopStep("run1", "sim/m16/c2", null));
    worker.tell(new WorkerProtocol.ReportAck("run1", "sim/m16/c2", 0, guessed));
    worker.tell(new WorkerProtocol.ClockPing(3, null)); // a probe with no reply-to is refused, not a crash
    // a probe answered after them: they were handled (refused) by then
    TestProbe<CoordinatorProtocol.Event> p = kit.createTestProbe(CoordinatorProtocol.Event.class);
    worker.tell(new WorkerProtocol.ClockPing(2, p.getRef()));
    assertThat(p.expectMessageClass(CoordinatorProtocol.ClockPong.class).key()).isEqualTo(key);
    assertThat(orders).containsOnlyKeys("sim/m16/c2");
    assertThat(runs.get(0).resizes).isEmpty();
    assertThat(runs.get(0).stopped).isFalse();
    // report 0 was not acknowledged by the guessed key: it is resent
    for (int tick = 2; tick <= 4; tick++) time.timePasses(INTERVAL);
    assertThat(receivedSequences(4)).contains(0L);
  }

  @Test
  void aScenarioTheCoordinatorsValidatorRefusesStartsNothing() {
    var worker = workerRef();
    String invalid = SCENARIO.maxNewTokens("[-5]").yaml();
    worker.tell(start("sim/m16/c2", invalid));
    var failed = coordinator.expectMessageClass(CoordinatorProtocol.StepFailed.class, Duration.ofSeconds(5));
    assertThat(failed.reason()).contains("maxNewTokens");
    assertThat(orders).isEmpty();
  }

  @Test
  void reportsEveryIntervalAndResendsAReportUnacknowledgedForTheResendBoundUntilAcknowledged() {
    var worker = workerRef();
    startAndAwaitLaunch(worker, "sim/m16/c2");
    time.timePasses(INTERVAL);
    var first = coordinator.expectMessageClass(CoordinatorProtocol.Interval.class, Duration.ofSeconds(5));
    assertThat(first.report().sequence()).isEqualTo(0);
    assertThat(first.report().workerId()).isEqualTo("w1");
    assertThat(orders.get("sim/m16/c2").target().url()).isEqualTo("http://127.0.0.1:9");
    // one report a tick; report 0 is resent on the tick that makes it 300 ms old (tick 4), not
    // before, and report 1 on tick 5: each tick's messages arrive before the next tick's
    for (int tick = 2; tick <= 5; tick++) time.timePasses(INTERVAL);
    assertThat(receivedSequences(6)).containsExactly(1L, 2L, 3L, 0L, 4L, 1L);
    // acknowledged: nothing is resent any more, however long it waits
    for (long s = 0; s <= 4; s++) worker.tell(new WorkerProtocol.ReportAck("run1", "sim/m16/c2", s, key));
    for (int tick = 6; tick <= 8; tick++) time.timePasses(INTERVAL);
    assertThat(receivedSequences(3)).containsExactly(5L, 6L, 7L);
  }

  @Test
  void theStepEndsWithALastReportAndTheAgentForgetsAcknowledgedReports() {
    var worker = workerRef();
    startAndAwaitLaunch(worker, "sim/m16/c2");
    time.timePasses(INTERVAL);
    var first = coordinator.expectMessageClass(CoordinatorProtocol.Interval.class, Duration.ofSeconds(5));
    worker.tell(new WorkerProtocol.ReportAck("run1", first.report().cellId(), 0, key));
    runs.get(0).done.complete(null);
    var last = coordinator.fishForMessage(Duration.ofSeconds(5), e ->
        e instanceof CoordinatorProtocol.Interval i && i.report().last()
            ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
            : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore());
    var lastReport = ((CoordinatorProtocol.Interval) last.get(last.size() - 1)).report();
    for (long s = 0; s <= lastReport.sequence(); s++) worker.tell(new WorkerProtocol.ReportAck("run1", lastReport.cellId(), s, key));
    // once everything is acknowledged, nothing is resent: a flush completes at once
    var flushed = kit.createTestProbe(Done.class);
    agent.tell(new WorkerAgent.Flush(flushed.getRef()));
    flushed.expectMessage(Duration.ofSeconds(5), Done.getInstance());
  }

  @Test
  void resizeAndStopReachTheRunningStep() {
    var worker = workerRef();
    startAndAwaitLaunch(worker, "sim/m16/c2");
    time.timePasses(INTERVAL);
    coordinator.expectMessageClass(CoordinatorProtocol.Interval.class, Duration.ofSeconds(5));
    worker.tell(new WorkerProtocol.ResizeStep("run1", "sim/m16/c2", new LoadShare(3, 0, 0, 1, 15), key));
    worker.tell(new WorkerProtocol.StopStep("run1", "sim/m16/c2", key));
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
    startAndAwaitLaunch(worker, "sim/m16/c2");
    time.timePasses(INTERVAL);
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
    for (long s = 0; s <= lastSeq; s++) worker.tell(new WorkerProtocol.ReportAck("run1", "sim/m16/c2", s, key));
    flushed.expectMessage(Duration.ofSeconds(5), Done.getInstance());
  }

  @Test
  void aWorkerStillAcknowledgedByItsCoordinatorGoesOnWhenTheClusterMarksTheCoordinatorUnreachable() {
    var worker = workerRef();
    startAndAwaitLaunch(worker, "sim/m16/c2");
    time.timePasses(INTERVAL);
    var first = coordinator.expectMessageClass(CoordinatorProtocol.Interval.class, Duration.ofSeconds(5));
    worker.tell(new WorkerProtocol.ReportAck("run1", first.report().cellId(), first.report().sequence(), key));
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
    startAndAwaitLaunch(worker, "sim/m16/c2");
    time.timePasses(INTERVAL);
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
    worker.tell(start("sim/m16/c2", SCENARIO.target("sim", "http://127.0.0.1:1/x").yaml()));
    var failed = coordinator.expectMessageClass(CoordinatorProtocol.StepFailed.class, Duration.ofSeconds(5));
    assertThat(failed.reason()).isEqualTo("target refused");
    assertThat(failed.workerId()).isEqualTo("w1");
  }
}
