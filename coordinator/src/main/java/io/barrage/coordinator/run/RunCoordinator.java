package io.barrage.coordinator.run;

import io.barrage.coordinator.telemetry.RunTelemetry;
import io.barrage.protocol.results.RunOutcome;
import io.barrage.protocol.results.RunRecord;
import io.barrage.protocol.results.WorkerEvent;
import io.barrage.protocol.wire.CoordinatorProtocol;
import io.barrage.protocol.wire.Reachability;
import io.barrage.protocol.wire.WorkerProtocol;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.japi.function.Function;

/**
 * The state machine of one run: wait for {@code minWorkers} (at most {@code worker-join-timeout}),
 * then for each cell a roll call of the available workers ({@link WorkerRoster}), an exact split of
 * the load over those that answered ({@link LoadSplitter}), one common start instant in each worker's
 * clock, the interval reports merged and acknowledged ({@link CellMerge}), the losses handled by the
 * scenario's {@code onWorkerLoss} ({@link CellLosses}); then the next cell, and at the end the
 * {@link RunRecord} ({@link RunLedger}) completes the result future and the actor stops.
 *
 * <p>Protocol: {@link Stop} (keep what was measured, outcome {@code aborted}), {@link Interrupt}
 * (outcome {@code interrupted}, at most {@link #INTERRUPT_GRACE} for the last reports), the wire
 * events of {@link CoordinatorProtocol}, cluster membership and receptionist listings.
 *
 * <p>On failure: every run ends with a completed result future. An exception in any handler ends the
 * run at once with outcome {@code aborted} naming it, the running cell cut and kept, the workers told
 * to stop; an actor stopped from outside hands over what it has, {@code interrupted}. The run id is in
 * the MDC of every log line ({@code runId}).
 */
public final class RunCoordinator extends AbstractBehavior<RunCoordinator.Command> {

  public sealed interface Command {}

  /** Stop the run; what was measured is kept. */
  public record Stop(String reason) implements Command {}

  /**
   * Interrupt the run from outside (Ctrl-C, SIGTERM, the node shutting down): stop the load, wait at
   * most {@link #INTERRUPT_GRACE} for the workers' last reports, end with outcome {@code interrupted}.
   */
  public record Interrupt(String reason) implements Command {}

  private record Pong(CoordinatorProtocol.ClockPong pong) implements Command {}

  /** A wire event of a kind this run does not know (none today: {@code Event} is sealed). */
  private record OtherEvent(CoordinatorProtocol.Event event) implements Command {}

  private record Report(CoordinatorProtocol.Interval interval) implements Command {}

  private record Leaving(CoordinatorProtocol.WorkerLeaving leaving) implements Command {}

  private record Failed(CoordinatorProtocol.StepFailed failed) implements Command {}

  private record WorkersListed(Set<ActorRef<WorkerProtocol.Command>> workers) implements Command {}

  private record Unreachable(Address address) implements Command {}

  private record Removed(Address address) implements Command {}

  private record Reachable(Address address) implements Command {}

  private enum Tick implements Command { INSTANCE }

  private enum LogsClosed implements Command { INSTANCE }

  /** A duration cell whose measurement ended this much before its planned end was cut short. */
  private static final long END_TOLERANCE_MS = 1000;

  /** How long an interrupted cell waits for its last reports: the whole interrupt must fit in ~10 s. */
  static final Duration INTERRUPT_GRACE = Duration.ofSeconds(4);

  private final RunOrder order;
  private final RunSettings settings;
  private final RunObserver observer;
  private final CompletableFuture<RunRecord> result;
  private final TimerScheduler<Command> timers;
  private final ActorRef<CoordinatorProtocol.Event> self;
  private final CellSchedule schedule;
  private final WorkerRoster roster;
  private final RunLedger ledger;
  private final CellMerge merge;
  private final CellLosses losses;
  private final RampStarts rampStarts;
  private final StatusBoard board;
  private final RunTelemetry telemetry;
  private CellRun current;
  private long lastTickNanos = System.nanoTime();
  private String message = "waiting for workers";

  public static Behavior<Command> create(RunOrder order, RunSettings settings, RunObserver observer, CompletableFuture<RunRecord> result) {
    Behavior<Command> run = Behaviors.setup(ctx -> Behaviors.withTimers(t -> {
      try {
        return new RunCoordinator(ctx, t, order, settings, observer, result);
      } catch (RuntimeException e) {
        ctx.getLog().error("run {} cannot start: {}", order.runId(), e.toString(), e);
        long now = System.currentTimeMillis();
        result.complete(new RunRecord(order.runId(), order.scenario(), now, now, new RunOutcome.Aborted("the run could not start: " + e), 0, List.of(), List.of()));
        return Behaviors.stopped();
      }
    }));
    return Behaviors.withMdc(Command.class, Map.of("runId", order.runId()), run);
  }

  private RunCoordinator(
      ActorContext<Command> ctx, TimerScheduler<Command> timers, RunOrder order, RunSettings settings, RunObserver observer, CompletableFuture<RunRecord> result) {
    super(ctx);
    this.order = order;
    this.settings = settings;
    this.observer = observer;
    this.result = result;
    this.timers = timers;
    ctx.setLoggerName(RunCoordinator.class);
    // the most recently registered adapter whose class matches wins: the catch-all first
    this.self = ctx.messageAdapter(CoordinatorProtocol.Event.class, OtherEvent::new);
    ctx.messageAdapter(CoordinatorProtocol.ClockPong.class, Pong::new);
    ctx.messageAdapter(CoordinatorProtocol.Interval.class, Report::new);
    ctx.messageAdapter(CoordinatorProtocol.WorkerLeaving.class, Leaving::new);
    ctx.messageAdapter(CoordinatorProtocol.StepFailed.class, Failed::new);
    Cluster cluster = Cluster.get(ctx.getSystem());
    this.roster = new WorkerRoster(cluster.selfMember().address());
    this.ledger = new RunLedger(order, settings);
    this.merge = new CellMerge(new IntervalLogs(order.outDir().resolve("histograms")), order.runId(), observer);
    this.losses = new CellLosses(order, ledger, ctx.getLog());
    this.rampStarts = new RampStarts(ledger, ctx.getLog());
    this.schedule = new CellSchedule(order, settings, roster, ledger, ctx.getLog());
    this.board = new StatusBoard(order, schedule.size(), 3 * Math.max(1000, settings.tick().toMillis()));
    this.telemetry = RunTelemetry.start(order.scenario());
    ledger.server = telemetry::forCell;
    ctx.getSystem().receptionist().tell(Receptionist.subscribe(WorkerProtocol.SERVICE_KEY,
        ctx.messageAdapter(Receptionist.Listing.class, l -> new WorkersListed(l.getServiceInstances(WorkerProtocol.SERVICE_KEY)))));
    Reachability.subscribe(ctx, m -> new Unreachable(m.address()), m -> new Reachable(m.address()), m -> new Removed(m.address()));
    timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.tick());
    ctx.getLog().info("run {}: {} cells planned, waiting for {} worker(s)", order.runId(), schedule.size(), order.minWorkers());
    publish(RunStatus.Phase.WAITING_FOR_WORKERS);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Report.class, guarded(this::onReport))
        .onMessage(Pong.class, guarded(this::onPong))
        .onMessage(Leaving.class, guarded(this::onLeaving))
        .onMessage(Failed.class, guarded(this::onFailed))
        .onMessage(WorkersListed.class, guarded(this::onListing))
        .onMessage(Unreachable.class, guarded(u -> onMemberLost(u.address(), false)))
        .onMessage(Removed.class, guarded(r -> onMemberLost(r.address(), true)))
        .onMessage(Reachable.class, guarded(r -> {
          roster.nodeReachable(r.address(), getContext().getLog());
          return this;
        }))
        .onMessage(Tick.class, guarded(t -> onTick()))
        .onMessage(OtherEvent.class, e -> this)
        .onMessage(Stop.class, guarded(this::onStop))
        .onMessage(Interrupt.class, guarded(this::onInterrupt))
        .onSignal(PostStop.class, p -> onPostStop())
        .build();
  }

  /** Supervision: an exception in a handler ends the run with what was measured, never leaves it hanging. */
  private <M> Function<M, Behavior<Command>> guarded(Function<M, Behavior<Command>> handler) {
    return m -> {
      try {
        return handler.apply(m);
      } catch (Exception e) {
        return failed(m, e);
      }
    };
  }

  // --- membership ---------------------------------------------------------------------------------

  private Behavior<Command> onListing(WorkersListed l) {
    List<WorkerRoster.Departure> departed = new ArrayList<>();
    for (WorkerRoster.Member m : roster.listing(l.workers(), this::reachable, getContext().getLog(), departed)) {
      ledger.add(new WorkerEvent(m.id, WorkerEvent.Kind.JOINED, System.currentTimeMillis(), current == null ? null : current.spec.id(), 0, 0, "joined"));
      roster.probe(m, self);
    }
    departed.forEach(this::workerGone);
    return afterChange();
  }

  private boolean reachable(ActorRef<?> ref) {
    Address a = ref.path().address();
    if (a.host().isEmpty()) return true; // on this node
    for (org.apache.pekko.cluster.Member m : Cluster.get(getContext().getSystem()).state().getUnreachable()) {
      if (m.address().equals(a)) return false;
    }
    return true;
  }

  private Behavior<Command> onMemberLost(Address address, boolean removed) {
    roster.nodeLost(address, removed, getContext().getLog()).forEach(this::workerGone);
    return afterChange();
  }

  /** The running cell goes on without {@code m} (nothing when it has no part in it any more). */
  private void workerGone(WorkerRoster.Departure d) {
    if (current == null) return;
    CellRun.Assignment a = current.assignments.get(d.member().ref);
    if (a == null || !a.state.awaited()) return;
    String said = losses.lose(current, a, d.how(), d.why());
    if (said != null) message = said;
    // if it comes back it must not keep running a share nobody counts any more
    a.worker.tell(new WorkerProtocol.StopStep(order.runId(), current.spec.id(), a.key));
    if (ledger.abortReason != null) stopCell(settings.stopTimeout());
  }

  /** Whether {@code e} carries the key of the worker it names; one that does not is logged and ignored. */
  private boolean believed(CoordinatorProtocol.FromWorker e) {
    String refusal = roster.refusal(e.worker(), e.key());
    if (refusal != null) getContext().getLog().warn("run {}: ignored {}: {}", order.runId(), e.getClass().getSimpleName(), refusal);
    return refusal == null;
  }

  private Behavior<Command> onLeaving(Leaving l) {
    if (!believed(l.leaving())) return this;
    WorkerRoster.Member m = roster.get(l.leaving().worker());
    if (m != null) m.presence = WorkerRoster.Presence.LEAVING; // never used for later cells
    CellRun.Assignment a = current == null ? null : current.assignments.get(l.leaving().worker());
    if (a != null && a.state == CellRun.State.RUNNING) {
      a.state = CellRun.State.LEAVING;
      getContext().getLog().info("cell {}: worker {} is leaving, waiting for its last interval", current.spec.id(), a.workerId);
    } else if (m != null) {
      getContext().getLog().info("worker {} is leaving", m.id);
    }
    return this;
  }

  private Behavior<Command> onPong(Pong p) {
    roster.pong(p.pong());
    if (current == null && roster.rollCallAllAnswered()) planNextCell(System.nanoTime());
    return afterChange();
  }

  // --- reports ------------------------------------------------------------------------------------

  private Behavior<Command> onReport(Report report) {
    CoordinatorProtocol.Interval i = report.interval();
    if (!order.runId().equals(i.runId())) return this; // an earlier run's resend: not ours to acknowledge
    if (!believed(i)) return this;
    var r = i.report();
    CellMerge.Result merged = merge.merge(findCell(r.cellId()), i, roster.offsetMs(r.workerId()));
    if (merged instanceof CellMerge.Result.Refused) return this; // not acknowledged, counted in the outcome
    i.worker().tell(new WorkerProtocol.ReportAck(i.runId(), r.cellId(), r.sequence(), i.key()));
    if (!(merged instanceof CellMerge.Result.Merged m) || m.a() == null) return this;
    CellRun.Assignment a = m.a();
    rampStarts.merged(m.cell(), a, r);
    if (a.state == CellRun.State.LOST) {
      losses.lateReport(m.cell(), a, r.last());
    } else if (r.last() && a.state == CellRun.State.LEAVING && m.cell() == current) {
      // a leaving worker's last interval is in: now its unfinished share is known exactly
      String said = losses.lose(current, a, CellLosses.How.LEFT, "left gracefully after flushing its last interval");
      if (said != null) message = said;
      if (ledger.abortReason != null) stopCell(settings.stopTimeout());
    } else if (r.last() && a.state.awaited()) {
      a.state = CellRun.State.FINISHED;
    }
    return afterChange();
  }

  private Behavior<Command> onFailed(Failed failed) {
    CoordinatorProtocol.StepFailed f = failed.failed();
    if (!believed(f)) return this;
    getContext().getLog().error("cell {}: worker {} cannot run it: {}", f.cellId(), f.workerId(), f.reason());
    ledger.abort("worker " + f.workerId() + " cannot run cell " + f.cellId() + ": " + f.reason());
    CellRun.Assignment a = current == null ? null : current.assignments.get(f.worker());
    if (a != null) {
      a.state = CellRun.State.FAILED;
      a.heard = true;
    }
    stopCell(settings.stopTimeout());
    return afterChange();
  }

  private CellRun findCell(String cellId) {
    if (current != null && current.spec.id().equals(cellId)) return current;
    for (CellRun c : ledger.finished) if (c.spec.id().equals(cellId)) return c;
    return null;
  }

  // --- cells --------------------------------------------------------------------------------------

  private Behavior<Command> onTick() {
    long now = System.nanoTime();
    roster.probeAvailable(self);
    if (current == null && !ending()) planNextCell(now);
    // after a pause of this coordinator (GC, SIGSTOP, throttling) the reports that arrived meanwhile
    // are still queued behind this tick: judge the start acknowledgements at the next tick, not now
    boolean paused = now - lastTickNanos > 3 * settings.tick().toNanos();
    if (paused) getContext().getLog().warn("the coordinator did not run for {} ms (paused or starved)", (now - lastTickNanos) / 1_000_000);
    if (current != null && !current.stopping && !paused) checkStartAcknowledged();
    if (current != null && current.stopping && now > current.stopDeadlineNanos) {
      getContext().getLog().warn("cell {}: stop timed out waiting for last reports", current.spec.id());
      for (CellRun.Assignment a : List.copyOf(current.assignments.values())) {
        losses.lose(current, a, CellLosses.How.SILENT_AT_STOP, "no last report within the stop timeout");
      }
    }
    Behavior<Command> next = afterChange();
    if (next != this) return next;
    publish(current == null ? RunStatus.Phase.WAITING_FOR_WORKERS : current.stopping ? RunStatus.Phase.STOPPING : RunStatus.Phase.RUNNING);
    if (current != null) current.tokensSinceTick = 0;
    lastTickNanos = now;
    return this;
  }

  private boolean ending() {
    return ledger.abortReason != null || ledger.interruptReason != null || schedule.exhausted();
  }

  /** Moves towards the next cell (see {@link CellSchedule#advance}). */
  private void planNextCell(long nowNanos) {
    CellRun started = schedule.advance(nowNanos, self);
    if (started != null) {
      current = started;
      telemetry.cellStarted(started.spec.id(), started.spec.target());
      message = "running cell " + started.spec.id();
    } else {
      message = schedule.waiting();
    }
  }

  private void checkStartAcknowledged() {
    String reason = schedule.silentWorkers(current);
    if (reason == null) return;
    getContext().getLog().error("{}", reason);
    ledger.abort(reason);
    stopCell(settings.stopTimeout());
  }

  private void stopCell(Duration waitForReports) {
    if (current == null) return;
    long deadline = System.nanoTime() + waitForReports.toNanos();
    if (current.stopping) {
      current.stopDeadlineNanos = Math.min(current.stopDeadlineNanos, deadline);
      return;
    }
    current.stopping = true;
    current.stopDeadlineNanos = deadline;
    if (current.cutAtEpochMs < 0) current.cutAtEpochMs = System.currentTimeMillis();
    current.tellStop(order.runId());
  }

  private Behavior<Command> onStop(Stop s) {
    ledger.abort(s.reason());
    getContext().getLog().info("run {}: stopping: {}", order.runId(), s.reason());
    roster.cancelRollCall();
    stopCell(settings.stopTimeout());
    return afterChange();
  }

  private Behavior<Command> onInterrupt(Interrupt i) {
    if (ledger.interruptReason == null) ledger.interruptReason = i.reason();
    getContext().getLog().warn("run {}: interrupted: {}", order.runId(), i.reason());
    schedule.skipRest();
    stopCell(INTERRUPT_GRACE.compareTo(settings.stopTimeout()) < 0 ? INTERRUPT_GRACE : settings.stopTimeout());
    return afterChange();
  }

  /** Closes the current cell when complete, then starts the next or finishes the run. */
  private Behavior<Command> afterChange() {
    if (current != null && current.complete()) {
      current.close(order.scenario().workload().step().duration(), END_TOLERANCE_MS);
      telemetry.cellEnded(current.spec.id());
      getContext().getLog().info("cell {} done: {} ok, {} errors, {} tokens", current.spec.id(), current.aggregate.ok(), current.aggregate.errorCount(), current.aggregate.outputTokens());
      publish(RunStatus.Phase.RUNNING);
      ledger.finished.add(current);
      current = null;
      schedule.cellEnded();
      if (!ending()) {
        observer.checkpoint(record(new RunOutcome.Interrupted(
            "not finished: results after " + ledger.finished.size() + " of " + schedule.size() + " cells; the coordinator did not end the run"), false));
        planNextCell(System.nanoTime());
      }
    }
    if (current == null && ending()) return finish();
    return this;
  }

  /** The end: the interval logs are closed (their queued writes done), then the result is handed over. */
  private Behavior<Command> finish() {
    timers.cancel(Tick.INSTANCE);
    roster.cancelRollCall();
    publish(RunStatus.Phase.WRITING_RESULTS);
    ActorRef<Command> me = getContext().getSelf();
    // the interval logs' queued writes and the cells' last scrapes (each bounded by its timeout)
    CompletableFuture.allOf(merge.closeLogs(), telemetry.drained()).whenComplete((v, e) -> me.tell(LogsClosed.INSTANCE));
    timers.startSingleTimer(LogsClosed.INSTANCE, Duration.ofSeconds(10)); // a disk that hangs does not hold the run
    return Behaviors.receive(Command.class)
        .onMessage(LogsClosed.class, c -> handOver())
        .onSignal(PostStop.class, p -> onPostStop())
        .build();
  }

  private Behavior<Command> handOver() {
    telemetry.close();
    if (result.isDone()) return Behaviors.stopped();
    RunRecord record = record(null, false);
    RunOutcome outcome = record.outcome();
    message = outcome.text();
    getContext().getLog().info("run {} {}", order.runId(), message);
    result.complete(record);
    return Behaviors.stopped();
  }

  /** A handler threw: the run ends now with what it measured, the workers are told to stop. */
  private Behavior<Command> failed(Object during, Exception e) {
    String reason = "the run's coordinator failed while handling " + during.getClass().getSimpleName() + ": " + e;
    getContext().getLog().error("run {}: {}", order.runId(), reason, e);
    if (current != null) current.tellStop(order.runId());
    merge.closeLogs();
    telemetry.close();
    result.complete(safeRecord(new RunOutcome.Aborted(reason)));
    return Behaviors.stopped();
  }

  /** The actor system stopped this actor before the run ended: hand over what was measured. */
  private Behavior<Command> onPostStop() {
    if (!result.isDone()) {
      String why = ledger.interruptReason != null ? ledger.interruptReason : "the coordinator's actor system stopped before the run ended";
      getContext().getLog().error("run {}: {}; keeping what was measured", order.runId(), why);
      merge.close();
      result.complete(safeRecord(new RunOutcome.Interrupted(why)));
      telemetry.close();
    }
    return Behaviors.same();
  }

  /** The run so far with the running cell cut now; without cells when even that fails. */
  private RunRecord safeRecord(RunOutcome outcome) {
    try {
      return record(outcome, true);
    } catch (RuntimeException e) {
      getContext().getLog().error("run {}: its record cannot be built: {}", order.runId(), e.toString());
      return new RunRecord(order.runId(), order.scenario(), ledger.startedAtEpochMs, System.currentTimeMillis(), outcome, ledger.workersPlanned,
          List.copyOf(ledger.events), List.of());
    }
  }

  private RunRecord record(RunOutcome outcome, boolean withRunningCell) {
    ledger.refusedReports = merge.refusedCount();
    ledger.firstRefusal = merge.firstRefusal();
    ledger.logFailure = merge.logFailure();
    return ledger.record(outcome, withRunningCell ? current : null);
  }

  private void publish(RunStatus.Phase phase) {
    observer.update(board.snapshot(phase, message, current, ledger, roster, (System.nanoTime() - lastTickNanos) / 1e9));
  }
}
