package io.barrage.worker.cluster;

import static io.barrage.common.time.EpochTime.epochMicros;

import io.barrage.protocol.metrics.IntervalReport;
import io.barrage.protocol.scenario.GoodputThresholds;
import io.barrage.protocol.scenario.Scenario;
import io.barrage.protocol.scenario.ScenarioLoader;
import io.barrage.protocol.scenario.Target;
import io.barrage.protocol.wire.CoordinatorProtocol;
import io.barrage.protocol.wire.OrderKey;
import io.barrage.protocol.wire.WorkerProtocol;
import io.barrage.worker.engine.RunningStep;
import io.barrage.worker.engine.StepRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * The worker role of a node. Registers with the receptionist under {@link WorkerProtocol#SERVICE_KEY}
 * and runs the steps the coordinator orders ({@link WorkerProtocol}): answers clock probes, starts a
 * step on the {@link StepLauncher}, drains one interval report a second and sends it to the
 * coordinator, keeps every report until it is acknowledged and resends unacknowledged ones.
 *
 * <p>On {@link Flush} (coordinated shutdown, e.g. SIGTERM) it tells each step's coordinator that it is
 * leaving, stops its steps, sends the final interval and answers only once every report is
 * acknowledged (or the shutdown phase times out). A step the launcher refuses is reported as
 * {@link CoordinatorProtocol.StepFailed}, never as a crash of the agent.
 *
 * <p>A clock probe is answered only when its reply-to lives on the coordinator this worker joined
 * ({@link OrderGate}); the answer carries this worker's {@link OrderKey}, and every later order must
 * carry it back (a step order's reply-to must also be that coordinator). Anything else is refused,
 * logged, and not answered. The scenario of a step order is validated with the coordinator's validator
 * ({@link ScenarioLoader#parse}) before anything is started: a scenario the coordinator would refuse
 * is refused here too ({@code StepFailed}).
 */
public final class WorkerAgent extends AbstractBehavior<WorkerAgent.Command> {

  public sealed interface Command {}

  /** Stop every step, flush every recorded interval, reply once all are acknowledged. */
  public record Flush(ActorRef<Done> replyTo) implements Command {}

  /**
   * Stop the load of every running step (e.g. the coordinator left the cluster, see
   * {@link CoordinatorWatch}); what was recorded stays and is sent once the coordinator answers.
   */
  public record StopAll(String reason) implements Command {}

  /**
   * The cluster has marked the coordinator unreachable for {@code lostAfter} or longer: stop the load
   * of every running step unless this worker itself heard from the coordinator (an acknowledgement,
   * a clock probe, an order) within {@code lostAfter}. The cluster's unreachable mark is the view of
   * any member: when only another worker is cut off from the coordinator, this one still gets its
   * acknowledgements and must go on with its share.
   */
  public record CoordinatorSilent(Duration lostAfter, String reason) implements Command {}

  private record Wire(WorkerProtocol.Command message) implements Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  private record StepEnded(String key, String failure) implements Command {}

  /**
   * Settings of the agent; {@code resendAfter} is how long a report may stay unacknowledged before it
   * is resent, counted in ticks of the report timer (so the actor's scheduler, not the wall clock,
   * decides: a test on manual time sees the resend exactly when its clock passes the bound).
   */
  public record Settings(Duration reportInterval, Duration resendAfter) {
    public static Settings defaults() {
      return new Settings(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }
  }

  private static final class ActiveStep {
    final String runId;
    final String cellId;
    final String workerId;
    final ActorRef<CoordinatorProtocol.Event> coordinator;
    final RunningStep run;
    final long startAtEpochMs;
    final TreeMap<Long, IntervalReport> unacked = new TreeMap<>();
    final Map<Long, Long> sentAtTick = new HashMap<>();
    boolean ended;
    boolean stopping;
    boolean toldGoingOn; // "the load goes on" logged once per step
    boolean lastSent;

    ActiveStep(String runId, String cellId, String workerId, ActorRef<CoordinatorProtocol.Event> coordinator, RunningStep run, long startAtEpochMs) {
      this.runId = runId;
      this.workerId = workerId;
      this.cellId = cellId;
      this.coordinator = coordinator;
      this.run = run;
      this.startAtEpochMs = startAtEpochMs;
    }

    boolean finished() {
      return lastSent && unacked.isEmpty();
    }
  }

  private final StepLauncher launcher;
  private final Settings settings;
  private final OrderGate gate;
  private final ActorRef<WorkerProtocol.Command> self;
  /** Sent only to the coordinator this worker joined; every order and report carries it ({@link OrderKey}). */
  private final OrderKey orderKey = OrderKey.random();
  private final Map<String, ActiveStep> steps = new HashMap<>();
  private final Map<String, Scenario> scenarios = new HashMap<>();
  private final java.util.Set<String> finishedSteps = new java.util.HashSet<>();
  private final List<ActorRef<Done>> flushWaiters = new ArrayList<>();
  private boolean flushing;
  /** Report-timer ticks so far: the clock that unacknowledged reports age by. */
  private long ticks;
  /** When a message from the coordinator last arrived (System.nanoTime). */
  private long heardNanos = System.nanoTime();

  /** An agent that obeys only the oldest coordinator-role member of its cluster ({@link OrderGate#joinedCoordinator}). */
  public static Behavior<Command> create(StepLauncher launcher, Settings settings) {
    return Behaviors.setup(ctx -> create(launcher, settings, OrderGate.joinedCoordinator(ctx.getSystem())));
  }

  public static Behavior<Command> create(StepLauncher launcher, Settings settings, OrderGate gate) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new WorkerAgent(ctx, timers, launcher, settings, gate)));
  }

  private WorkerAgent(ActorContext<Command> ctx, TimerScheduler<Command> timers, StepLauncher launcher, Settings settings, OrderGate gate) {
    super(ctx);
    this.launcher = launcher;
    this.settings = settings;
    this.gate = gate;
    this.self = ctx.messageAdapter(WorkerProtocol.Command.class, Wire::new);
    ctx.getSystem().receptionist().tell(Receptionist.register(WorkerProtocol.SERVICE_KEY, self));
    timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.reportInterval());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Wire.class, this::onWire)
        .onMessage(Tick.class, t -> onTick())
        .onMessage(StepEnded.class, this::onStepEnded)
        .onMessage(Flush.class, this::onFlush)
        .onMessage(StopAll.class, this::onStopAll)
        .onMessage(CoordinatorSilent.class, this::onCoordinatorSilent)
        .build();
  }

  private Behavior<Command> onWire(Wire w) {
    WorkerProtocol.Command m = w.message();
    String refusal = refusal(m);
    if (refusal != null) {
      ActorRef<?> replyTo = m instanceof WorkerProtocol.ClockPing p ? p.replyTo() : m instanceof WorkerProtocol.StartStep s ? s.coordinator() : null;
      String from = replyTo == null ? "(no reply-to)" : "from " + replyTo.path().address();
      getContext().getLog().warn("refused {} {}: {}", m.getClass().getSimpleName(), from, refusal);
      return this;
    }
    heardNanos = System.nanoTime();
    if (m instanceof WorkerProtocol.ClockPing p) {
      p.replyTo().tell(new CoordinatorProtocol.ClockPong(p.probeId(), epochMicros(), self, orderKey));
    } else if (m instanceof WorkerProtocol.StartStep s) {
      onStart(s);
    } else if (m instanceof WorkerProtocol.ResizeStep r) {
      ActiveStep st = steps.get(key(r.runId(), r.cellId()));
      if (st != null && !st.ended) {
        getContext().getLog().info("cell {}: resized to {}", r.cellId(), r.share());
        st.run.resize(r.share());
      }
    } else if (m instanceof WorkerProtocol.StopStep s) {
      ActiveStep st = steps.get(key(s.runId(), s.cellId()));
      if (st != null && !st.ended) {
        getContext().getLog().info("cell {}: stop requested", s.cellId());
        st.run.stop();
      }
    } else if (m instanceof WorkerProtocol.ReportAck a) {
      ActiveStep st = steps.get(key(a.runId(), a.cellId()));
      if (st != null) {
        st.unacked.remove(a.sequence());
        st.sentAtTick.remove(a.sequence());
        cleanUp();
      }
    }
    return this;
  }

  /**
   * Null to obey {@code m}; else why not. A clock probe is answered (with this worker's key) only
   * when its replies go to the coordinator this worker joined; every other order must carry that key,
   * and a step order's replies must go to that coordinator too.
   */
  private String refusal(WorkerProtocol.Command m) {
    if (m instanceof WorkerProtocol.ClockPing p) return p.replyTo() == null ? "it names no reply-to" : gate.refusal(p.replyTo());
    if (!orderKey.matches(((WorkerProtocol.Order) m).key())) return "it does not carry the key this worker sent only to the coordinator it joined";
    return m instanceof WorkerProtocol.StartStep s ? gate.refusal(s.coordinator()) : null;
  }

  private void onStart(WorkerProtocol.StartStep s) {
    String key = key(s.runId(), s.cell().id());
    if (steps.containsKey(key) || finishedSteps.contains(key)) return; // a repeated order
    if (flushing) {
      s.coordinator().tell(new CoordinatorProtocol.StepFailed(s.runId(), s.workerId(), s.cell().id(), "worker is shutting down", self, orderKey));
      return;
    }
    try {
      Scenario scenario = scenarios.get(s.runId());
      if (scenario == null) {
        // the coordinator's validator: a scenario it would refuse is refused here too
        scenario = ScenarioLoader.parse(s.scenarioYaml(), s.baseDir().isEmpty() ? null : Path.of(s.baseDir()));
        scenarios.clear(); // one run at a time: keep only the current one
        finishedSteps.clear();
        scenarios.put(s.runId(), scenario);
      }
      Target target =
          scenario.target(s.cell().target()).orElseThrow(() -> new IllegalArgumentException("no target named " + s.cell().target()));
      Path baseDir = s.baseDir().isEmpty() ? Path.of("") : Path.of(s.baseDir());
      RunningStep run =
          launcher.start(new StepRequest(s.workerId(), s.cell(), target, scenario.workload(), s.share(), s.startAtEpochMs(), baseDir,
              GoodputThresholds.of(scenario.slo())));
      ActiveStep st = new ActiveStep(s.runId(), s.cell().id(), s.workerId(), s.coordinator(), run, s.startAtEpochMs());
      steps.put(key, st);
      getContext().pipeToSelf(run.done(), (ok, err) -> new StepEnded(key, err == null ? null : failureText(err)));
      getContext().getLog().info("cell {}: started as {} with {}", s.cell().id(), s.workerId(), s.share());
    } catch (Exception e) {
      String reason = e.getMessage() == null ? e.toString() : e.getMessage();
      getContext().getLog().warn("cell {}: cannot start: {}", s.cell().id(), reason);
      s.coordinator().tell(new CoordinatorProtocol.StepFailed(s.runId(), s.workerId(), s.cell().id(), reason, self, orderKey));
    }
  }

  private Behavior<Command> onTick() {
    ticks++;
    long nowMs = System.currentTimeMillis();
    long resendTicks = Math.max(1, -Math.floorDiv(-settings.resendAfter().toNanos(), settings.reportInterval().toNanos()));
    for (ActiveStep st : steps.values()) {
      if (!st.lastSent && (nowMs >= st.startAtEpochMs || st.ended)) drain(st);
      for (Map.Entry<Long, IntervalReport> e : st.unacked.entrySet()) {
        Long sent = st.sentAtTick.get(e.getKey());
        if (sent != null && ticks - sent >= resendTicks) {
          send(st, e.getValue());
        }
      }
    }
    cleanUp();
    return this;
  }

  private Behavior<Command> onStepEnded(StepEnded e) {
    ActiveStep st = steps.get(e.key());
    if (st != null) {
      st.ended = true;
      if (e.failure() != null) {
        getContext().getLog().warn("cell {}: the step failed: {}", st.cellId, e.failure());
        st.coordinator.tell(new CoordinatorProtocol.StepFailed(st.runId, st.workerId, st.cellId, e.failure(), self, orderKey));
      }
      if (!st.lastSent) drain(st); // the report after done() is the last one: send it now
      cleanUp();
    }
    return this;
  }

  private Behavior<Command> onStopAll(StopAll s) {
    for (ActiveStep st : steps.values()) {
      if (!st.ended && !st.stopping) {
        st.stopping = true;
        getContext().getLog().warn("cell {}: stopping the load: {}", st.cellId, s.reason());
        st.run.stop();
      }
    }
    return this;
  }

  private Behavior<Command> onCoordinatorSilent(CoordinatorSilent c) {
    long heardMsAgo = (System.nanoTime() - heardNanos) / 1_000_000;
    if (heardMsAgo < c.lostAfter().toMillis()) {
      for (ActiveStep st : steps.values()) {
        if (!st.ended && !st.toldGoingOn) {
          st.toldGoingOn = true;
          getContext().getLog().warn("cell {}: the cluster marks the coordinator unreachable, but it answered this worker {} ms ago: the load goes on",
              st.cellId, heardMsAgo);
        }
      }
      return this;
    }
    return onStopAll(new StopAll(c.reason() + "; nothing heard from it for " + heardMsAgo + " ms"));
  }

  private Behavior<Command> onFlush(Flush f) {
    flushing = true;
    flushWaiters.add(f.replyTo());
    for (ActiveStep st : steps.values()) {
      if (!st.ended) {
        getContext().getLog().info("cell {}: leaving, flushing what was recorded", st.cellId);
        st.coordinator.tell(new CoordinatorProtocol.WorkerLeaving(self, orderKey));
        st.run.stop();
      }
    }
    cleanUp();
    return this;
  }

  private void drain(ActiveStep st) {
    IntervalReport r;
    try {
      r = st.run.drainInterval();
    } catch (RuntimeException e) {
      // nothing more can be read from this step; do not let it take the agent down
      getContext().getLog().error("cell {}: cannot read the interval: {}", st.cellId, e.toString());
      st.lastSent = true;
      return;
    }
    st.unacked.put(r.sequence(), r);
    if (r.last()) st.lastSent = true;
    send(st, r);
  }

  private void send(ActiveStep st, IntervalReport r) {
    st.sentAtTick.put(r.sequence(), ticks);
    st.coordinator.tell(new CoordinatorProtocol.Interval(st.runId, r, self, orderKey));
  }

  private void cleanUp() {
    steps.entrySet().removeIf(e -> {
      if (!e.getValue().finished()) return false;
      finishedSteps.add(e.getKey());
      return true;
    });
    if (flushing && steps.isEmpty() && !flushWaiters.isEmpty()) {
      flushWaiters.forEach(w -> w.tell(Done.getInstance()));
      flushWaiters.clear();
    }
  }

  private static String failureText(Throwable t) {
    Throwable c = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
    return c.getMessage() == null ? c.toString() : c.getMessage();
  }

  private static String key(String runId, String cellId) {
    return runId + "|" + cellId;
  }
}
