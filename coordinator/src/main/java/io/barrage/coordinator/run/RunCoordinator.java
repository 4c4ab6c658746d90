package io.barrage.coordinator.run;

import static io.barrage.common.time.EpochTime.epochMicros;

import io.barrage.common.time.DurationText;
import io.barrage.coordinator.report.Verdicts;
import io.barrage.protocol.metrics.IntervalReport;
import io.barrage.protocol.metrics.Metric;
import io.barrage.protocol.plan.CellPlanner;
import io.barrage.protocol.plan.CellSpec;
import io.barrage.protocol.plan.LoadShare;
import io.barrage.protocol.plan.LoadSplitter;
import io.barrage.protocol.results.CellRecord;
import io.barrage.protocol.results.RunOutcome;
import io.barrage.protocol.results.RunRecord;
import io.barrage.protocol.results.WorkerEvent;
import io.barrage.protocol.scenario.StepSpec;
import io.barrage.protocol.scenario.WorkerLossPolicy;
import io.barrage.protocol.wire.CoordinatorProtocol;
import io.barrage.protocol.wire.WorkerProtocol;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.HdrHistogram.Histogram;
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
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.slf4j.MDC;

/**
 * Coordinates one run: waits for {@code minWorkers}, measures each worker's clock offset (ping/pong,
 * minimum round trip), then runs the scenario's cells one after the other. For each cell it splits
 * the load exactly over the workers ({@link LoadSplitter}), sends every worker its start instant in
 * its own clock, merges the interval reports exactly ({@link io.barrage.protocol.results.CellAggregate}),
 * acknowledges them, and appends them to the HdrHistogram interval logs as they arrive.
 *
 * <p>A worker that becomes unreachable or leaves mid-cell is handled by the scenario's
 * {@code onWorkerLoss}: {@code rebalance} (survivors {@link WorkerProtocol.ResizeStep resize} to take
 * its share), {@code continue} or {@code abort}; each loss is recorded as a {@link WorkerEvent} with
 * its time, capacity share and the requests lost (its in-flight count at its last report). A
 * gracefully leaving worker is rebalanced only after its final interval arrived, so it loses nothing.
 *
 * <p>When the run ends (all cells, {@link Stop}, or abort) the {@link RunRecord} completes the
 * result future and the actor stops. A run that ran to its end is {@code degraded} when a worker or
 * requests were lost, or when a cell measured nothing (no successful request: every request failed
 * or was in the warm-up, see {@link Verdicts#emptyCells}).
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

  /** A duration cell whose measurement ended this much before its planned end was cut short. */
  private static final long END_TOLERANCE_MS = 1000;

  /** How long an interrupted cell waits for its last reports: the whole interrupt must fit in ~10 s. */
  static final java.time.Duration INTERRUPT_GRACE = java.time.Duration.ofSeconds(4);

  private record Wire(CoordinatorProtocol.Event event) implements Command {}

  private record WorkersListed(Set<ActorRef<WorkerProtocol.Command>> workers) implements Command {}

  private record Unreachable(Address address) implements Command {}

  private record Removed(Address address) implements Command {}

  private record Reachable(Address address) implements Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  private static final class WorkerInfo {
    final String id;
    final ActorRef<WorkerProtocol.Command> ref;
    boolean lost;
    boolean gone; // left, removed or downed: never used again (a merely unreachable one may come back)

    WorkerInfo(String id, ActorRef<WorkerProtocol.Command> ref) {
      this.id = id;
      this.ref = ref;
    }
  }

  private final RunOrder order;
  private final RunSettings settings;
  private final RunObserver observer;
  private final CompletableFuture<RunRecord> result;
  private final ActorRef<CoordinatorProtocol.Event> self;
  private final List<CellSpec> cells;
  private final Map<ActorRef<WorkerProtocol.Command>, WorkerInfo> workers = new HashMap<>();
  private final ClockOffsets clocks = new ClockOffsets();
  private final Map<Long, long[]> probes = new HashMap<>(); // probe id -> {t0 micros}
  private final List<CellRun> finishedCells = new ArrayList<>();
  private final List<WorkerEvent> events = new ArrayList<>();
  private final IntervalLogs logs;
  private final long startedAtEpochMs = System.currentTimeMillis();
  private CellRun current;
  private int nextCell;
  private long probeSeq;
  private long lastTickNanos = System.nanoTime();
  private long waitingSinceNanos = System.nanoTime();
  private int workersPlanned;
  private String abortReason;
  private String interruptReason;
  private String message = "waiting for workers";
  private final Address selfAddress;

  public static Behavior<Command> create(RunOrder order, RunSettings settings, RunObserver observer, CompletableFuture<RunRecord> result) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(t -> new RunCoordinator(ctx, t, order, settings, observer, result)));
  }

  private RunCoordinator(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      RunOrder order,
      RunSettings settings,
      RunObserver observer,
      CompletableFuture<RunRecord> result) {
    super(ctx);
    this.order = order;
    this.settings = settings;
    this.observer = observer;
    this.result = result;
    this.cells = CellPlanner.plan(order.scenario());
    this.logs = new IntervalLogs(order.outDir().resolve("histograms"));
    this.self = ctx.messageAdapter(CoordinatorProtocol.Event.class, Wire::new);
    ctx.setLoggerName(RunCoordinator.class);
    MDC.put("runId", order.runId());
    ActorRef<Receptionist.Listing> listing =
        ctx.messageAdapter(Receptionist.Listing.class, l -> new WorkersListed(l.getServiceInstances(WorkerProtocol.SERVICE_KEY)));
    ctx.getSystem().receptionist().tell(Receptionist.subscribe(WorkerProtocol.SERVICE_KEY, listing));
    Cluster cluster = Cluster.get(ctx.getSystem());
    this.selfAddress = cluster.selfMember().address();
    cluster.subscriptions().tell(Subscribe.create(ctx.messageAdapter(ClusterEvent.UnreachableMember.class, e -> new Unreachable(e.member().address())), ClusterEvent.UnreachableMember.class));
    cluster.subscriptions().tell(Subscribe.create(ctx.messageAdapter(ClusterEvent.MemberRemoved.class, e -> new Removed(e.member().address())), ClusterEvent.MemberRemoved.class));
    cluster.subscriptions().tell(Subscribe.create(ctx.messageAdapter(ClusterEvent.ReachableMember.class, e -> new Reachable(e.member().address())), ClusterEvent.ReachableMember.class));
    timers.startTimerWithFixedDelay(Tick.INSTANCE, settings.tick());
    ctx.getLog().info("run {}: {} cells planned, waiting for {} worker(s)", order.runId(), cells.size(), order.minWorkers());
    publish(RunStatus.Phase.WAITING_FOR_WORKERS);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Wire.class, this::onWire)
        .onMessage(WorkersListed.class, this::onListing)
        .onMessage(Unreachable.class, u -> onMemberLost(u.address(), "unreachable"))
        .onMessage(Removed.class, r -> onMemberLost(r.address(), "removed from the cluster"))
        .onMessage(Reachable.class, r -> onReachable(r.address()))
        .onMessage(Tick.class, t -> onTick())
        .onMessage(Stop.class, this::onStop)
        .onMessage(Interrupt.class, this::onInterrupt)
        .onSignal(PostStop.class, p -> onPostStop())
        .build();
  }

  // --- membership ---------------------------------------------------------------------------------

  private Behavior<Command> onListing(WorkersListed l) {
    for (ActorRef<WorkerProtocol.Command> ref : l.workers()) {
      WorkerInfo known = workers.get(ref);
      if (known != null && known.lost && !known.gone && reachable(ref)) {
        known.lost = false;
        getContext().getLog().info("worker {} is listed again; it takes part from the next cell on", known.id);
      }
      if (!workers.containsKey(ref)) {
        WorkerInfo w = new WorkerInfo(workerId(ref), ref);
        workers.put(ref, w);
        events.add(new WorkerEvent(w.id, WorkerEvent.Kind.JOINED, System.currentTimeMillis(), current == null ? null : current.spec.id(), 0, 0, "joined"));
        getContext().getLog().info("worker {} joined", w.id);
        probe(w);
      }
    }
    // a worker that disappeared from the listing is no longer used for new cells
    for (WorkerInfo w : workers.values()) {
      if (!l.workers().contains(w.ref) && !w.lost) {
        // the listing leaves out unreachable nodes: lost for now, taken back if it is listed again
        w.lost = true;
        loseAssignment(w, false, "left the receptionist listing");
        // if it comes back it must not keep running a share nobody counts any more
        if (current != null) w.ref.tell(new WorkerProtocol.StopStep(order.runId(), current.spec.id()));
      }
    }
    return this;
  }

  private boolean reachable(ActorRef<?> ref) {
    Address a = ref.path().address();
    if (a.host().isEmpty()) return true; // on this node
    for (org.apache.pekko.cluster.Member m : Cluster.get(getContext().getSystem()).state().getUnreachable()) {
      if (m.address().equals(a)) return false;
    }
    return true;
  }

  /** A worker that was only unreachable (paused, starved) is taken back from the next cell on. */
  private Behavior<Command> onReachable(Address address) {
    for (WorkerInfo w : workers.values()) {
      if (w.ref.path().address().equals(address) && w.lost && !w.gone) {
        w.lost = false;
        getContext().getLog().info("worker {} is reachable again; it takes part from the next cell on", w.id);
      }
    }
    return this;
  }

  private Behavior<Command> onMemberLost(Address address, String why) {
    for (WorkerInfo w : workers.values()) {
      if (w.ref.path().address().equals(address) && "removed from the cluster".equals(why)) w.gone = true;
      if (w.ref.path().address().equals(address) && !w.lost) {
        w.lost = true;
        getContext().getLog().warn("worker {} {}", w.id, why);
        loseAssignment(w, false, why);
        // if it comes back it must not keep its old share
        if (current != null) w.ref.tell(new WorkerProtocol.StopStep(order.runId(), current.spec.id()));
      }
    }
    return afterChange();
  }

  private void loseAssignment(WorkerInfo w, boolean graceful, String why) {
    if (current == null || w == null) return;
    CellRun.Assignment a = current.assignments.get(w.ref);
    if (a == null || a.finished || (a.lost && !a.leaving)) return;
    boolean wasLeaving = a.leaving;
    a.lost = true;
    a.leaving = false;
    // requests in flight at a report that ended inside the warm-up started in the warm-up: they
    // are excluded from the measurement, so losing them loses nothing measured
    long warmupMs = order.scenario().workload().step().warmupOrZero().toMillis();
    boolean inWarmup = warmupMs > 0 && a.lastReportEndEpochMs >= 0 && a.lastReportEndEpochMs < current.startAtEpochMs + warmupMs;
    long lostRequests = graceful || inWarmup ? 0 : a.lastInFlight;
    current.requestsLost += lostRequests;
    double capacity = Rebalancer.capacityShare(current.spec.load(), a.share);
    long now = System.currentTimeMillis();
    WorkerEvent.Kind kind = graceful ? WorkerEvent.Kind.LEFT : WorkerEvent.Kind.LOST;
    String detail = (wasLeaving && !graceful ? "left without flushing: " : "") + why;
    a.lostRequests = lostRequests;
    a.lostEvent = events.size();
    events.add(new WorkerEvent(a.workerId, kind, now, current.spec.id(), capacity, lostRequests, detail));
    getContext().getLog().warn("cell {}: worker {} {} ({}% of the load, {} requests lost)", current.spec.id(), a.workerId,
        graceful ? "left" : "lost", Math.round(capacity * 100), lostRequests);
    applyPolicy(a);
  }

  private void applyPolicy(CellRun.Assignment gone) {
    WorkerLossPolicy policy = order.scenario().onWorkerLossOrDefault();
    switch (policy) {
      case ABORT -> {
        abortReason = "worker " + gone.workerId + " lost and onWorkerLoss is abort";
        stopCell();
      }
      case CONTINUE -> message = "worker " + gone.workerId + " lost; continuing with less load (onWorkerLoss: continue)";
      case REBALANCE -> {
        List<CellRun.Assignment> survivors = current.active();
        survivors.sort(Comparator.comparing(x -> x.workerId));
        if (survivors.isEmpty()) {
          message = "worker " + gone.workerId + " lost and no survivor can take its share";
          return;
        }
        List<LoadShare> shares = Rebalancer.rebalance(current.spec.load(), survivors.stream().map(x -> x.share).toList(), gone.share.requestQuota(), gone.completed);
        for (int i = 0; i < survivors.size(); i++) {
          CellRun.Assignment s = survivors.get(i);
          s.share = shares.get(i);
          s.worker.tell(new WorkerProtocol.ResizeStep(order.runId(), current.spec.id(), s.share));
        }
        events.add(new WorkerEvent(gone.workerId, WorkerEvent.Kind.REBALANCED, System.currentTimeMillis(), current.spec.id(),
            Rebalancer.capacityShare(current.spec.load(), gone.share), 0, "share taken over by " + survivors.size() + " worker(s)"));
        message = "worker " + gone.workerId + " lost; its share went to " + survivors.size() + " survivor(s)";
      }
    }
  }

  // --- wire ---------------------------------------------------------------------------------------

  private Behavior<Command> onWire(Wire w) {
    CoordinatorProtocol.Event e = w.event();
    if (e instanceof CoordinatorProtocol.ClockPong p) {
      long[] t0 = probes.remove(p.probeId());
      WorkerInfo info = workers.get(p.worker());
      if (t0 != null && info != null) clocks.record(info.id, t0[0], p.workerEpochMicros(), epochMicros());
      return this;
    }
    if (e instanceof CoordinatorProtocol.Interval i) return onInterval(i);
    if (e instanceof CoordinatorProtocol.WorkerLeaving l) {
      if (current != null) {
        CellRun.Assignment a = current.assignments.get(l.worker());
        if (a != null && a.active()) {
          a.leaving = true;
          getContext().getLog().info("cell {}: worker {} is leaving, waiting for its last interval", current.spec.id(), a.workerId);
        }
      }
      WorkerInfo info = workers.get(l.worker());
      if (info != null) {
        info.lost = true; // not used for later cells
        info.gone = true;
      }
      return this;
    }
    if (e instanceof CoordinatorProtocol.StepFailed f) {
      getContext().getLog().error("cell {}: worker {} cannot run it: {}", f.cellId(), f.workerId(), f.reason());
      abortReason = "worker " + f.workerId() + " cannot run cell " + f.cellId() + ": " + f.reason();
      if (current != null) {
        CellRun.Assignment a = current.assignments.get(f.worker());
        if (a != null) {
          a.finished = true;
          a.heard = true;
        }
      }
      stopCell();
      return afterChange();
    }
    return this;
  }

  private Behavior<Command> onInterval(CoordinatorProtocol.Interval i) {
    IntervalReport r = i.report();
    i.worker().tell(new WorkerProtocol.ReportAck(i.runId(), r.cellId(), r.sequence()));
    if (!order.runId().equals(i.runId())) return this;
    CellRun cell = findCell(r.cellId());
    if (cell == null) {
      getContext().getLog().warn("report for unknown cell {} from {}", r.cellId(), r.workerId());
      return this;
    }
    boolean merged;
    Map<Metric, Histogram> decoded = null;
    try {
      if (!cell.aggregate.isDuplicate(r)) decoded = io.barrage.protocol.results.CellAggregate.decode(r);
      merged = decoded != null ? cell.aggregate.add(r, decoded) : cell.aggregate.add(r);
    } catch (IllegalArgumentException ex) {
      getContext().getLog().error("cell {}: refused a report of {}: {}", r.cellId(), r.workerId(), ex.getMessage());
      return this;
    }
    CellRun.Assignment a = cell.assignments.get(i.worker());
    if (a != null) a.heard = true;
    if (merged) {
      cell.lastReportAtEpochMs = System.currentTimeMillis();
      cell.measuredUntilEpochMs = Math.max(cell.measuredUntilEpochMs, r.endEpochMs() - clocks.offsetMs(r.workerId()));
      logs.write(cell.spec, r, decoded, clocks.offsetMs(r.workerId()), cell.startAtEpochMs);
      cell.tokensSinceTick += r.counters().arrivedTokens(); // the live rate, by arrival like the chart
      if (a != null) {
        a.completed += r.counters().ok() + r.counters().errorCount();
        a.started += r.counters().started();
        a.lastInFlight = r.counters().inFlight();
        a.lastReportEndEpochMs = Math.max(a.lastReportEndEpochMs, r.endEpochMs() - clocks.offsetMs(r.workerId()));
      }
    }
    if (a != null && merged && r.last() && a.lost && !a.leaving && a.lostRequests > 0) {
      // it was only unreachable: its last report holds what was counted as lost with it
      cell.requestsLost -= a.lostRequests;
      if (a.lostEvent >= 0) {
        WorkerEvent e = events.get(a.lostEvent);
        events.set(a.lostEvent, new WorkerEvent(e.workerId(), e.kind(), e.atEpochMs(), e.cellId(), e.capacityShare(), 0,
            e.detail() + "; came back and delivered the " + a.lostRequests + " request(s) it had in flight"));
      }
      a.lostRequests = 0;
    }
    if (a != null && r.last() && !a.finished) {
      // a leaving worker's last interval is in: now its unfinished share is known exactly
      if (a.leaving && cell == current) loseAssignment(workers.get(a.worker), true, "left gracefully after flushing its last interval");
      a.finished = true;
    }
    return afterChange();
  }

  private CellRun findCell(String cellId) {
    if (current != null && current.spec.id().equals(cellId)) return current;
    for (CellRun c : finishedCells) if (c.spec.id().equals(cellId)) return c;
    return null;
  }

  // --- cells --------------------------------------------------------------------------------------

  private Behavior<Command> onTick() {
    long now = System.nanoTime();
    for (WorkerInfo w : workers.values()) if (!w.lost) probe(w);
    if (current == null && abortReason == null && nextCell < cells.size()) maybeStartCell();
    // after a pause of this coordinator (GC, SIGSTOP, throttling) the reports that arrived meanwhile
    // are still queued behind this tick: judge the start acknowledgements at the next tick, not now
    boolean paused = now - lastTickNanos > 3 * settings.tick().toNanos();
    if (paused) getContext().getLog().warn("the coordinator did not run for {} ms (paused or starved)", (now - lastTickNanos) / 1_000_000);
    if (current != null && !current.stopping && !paused) checkStartAcknowledged();
    if (current != null && current.stopping && now > current.stopDeadlineNanos) {
      getContext().getLog().warn("cell {}: stop timed out waiting for last reports", current.spec.id());
      for (CellRun.Assignment a : current.assignments.values()) {
        if (!a.finished && !a.lost) {
          a.lost = true;
          current.requestsLost += a.lastInFlight;
          events.add(new WorkerEvent(a.workerId, WorkerEvent.Kind.LOST, System.currentTimeMillis(), current.spec.id(),
              Rebalancer.capacityShare(current.spec.load(), a.share), a.lastInFlight, "no last report after stop"));
        }
      }
    }
    Behavior<Command> next = afterChange();
    if (next != this) return next;
    publish(current == null ? RunStatus.Phase.WAITING_FOR_WORKERS : current.stopping ? RunStatus.Phase.STOPPING : RunStatus.Phase.RUNNING);
    if (current != null) current.tokensSinceTick = 0;
    lastTickNanos = now;
    return this;
  }

  private void maybeStartCell() {
    List<WorkerInfo> ready = workers.values().stream().filter(w -> !w.lost && clocks.has(w.id)).sorted(Comparator.comparing(w -> w.id)).toList();
    int needed = nextCell == 0 ? order.minWorkers() : 1;
    if (ready.size() < Math.max(1, needed)) {
      if (nextCell > 0 && System.nanoTime() - waitingSinceNanos > settings.workerWaitTimeout().toNanos()) {
        abortReason = "no worker left to run cell " + cells.get(nextCell).id();
      }
      message = "waiting for workers (" + ready.size() + "/" + needed + ")";
      return;
    }
    CellSpec spec = cells.get(nextCell++);
    StepSpec step = order.scenario().workload().step();
    long requests = step.requestsFor(spec.load());
    List<LoadShare> shares = LoadSplitter.shares(spec.load(), requests, ready.size());
    long startAt = System.currentTimeMillis() + settings.startDelay().toMillis();
    List<CellRun.Assignment> assigned = new ArrayList<>();
    for (int i = 0; i < ready.size(); i++) assigned.add(new CellRun.Assignment(ready.get(i).id, ready.get(i).ref, shares.get(i)));
    current = new CellRun(spec, requests, startAt, assigned);
    if (nextCell == 1) workersPlanned = ready.size();
    String yaml = order.scenarioYaml();
    String baseDir = order.baseDir() == null ? "" : order.baseDir().toString();
    for (CellRun.Assignment a : assigned) {
      long workerStart = startAt + clocks.offsetMs(a.workerId);
      a.worker.tell(new WorkerProtocol.StartStep(order.runId(), a.workerId, yaml, baseDir, spec, a.share, workerStart, self));
    }
    message = "running cell " + spec.id();
    getContext().getLog().info("cell {} ({}/{}): {} over {} worker(s)", spec.id(), nextCell, cells.size(), spec.load().id(), assigned.size());
  }

  /**
   * Every worker reports once a second from its cell's start instant. One that has sent nothing
   * {@code startAckTimeout} after it never got its start order (dropped on the way, e.g. over the
   * frame size) or cannot act on it: the run is aborted with that reason rather than left running.
   */
  private void checkStartAcknowledged() {
    if (System.currentTimeMillis() < current.startAtEpochMs + settings.startAckTimeout().toMillis()) return;
    List<String> silent = new ArrayList<>();
    for (CellRun.Assignment a : current.assignments.values()) {
      if (!a.heard && !a.lost && !a.finished) {
        silent.add(a.workerId);
        a.finished = true; // nothing will come: do not wait for its last report
      }
    }
    if (silent.isEmpty()) return;
    String reason = "cell " + current.spec.id() + ": worker(s) " + String.join(", ", silent) + " sent nothing within "
        + DurationText.format(settings.startAckTimeout()) + " of the cell's start; the start order did not arrive or was not taken";
    getContext().getLog().error("{}", reason);
    if (abortReason == null) abortReason = reason;
    stopCell();
  }

  private void stopCell() {
    stopCell(settings.stopTimeout());
  }

  private void stopCell(java.time.Duration waitForReports) {
    if (current == null) return;
    long deadline = System.nanoTime() + waitForReports.toNanos();
    if (current.stopping) {
      current.stopDeadlineNanos = Math.min(current.stopDeadlineNanos, deadline);
      return;
    }
    current.stopping = true;
    current.stopDeadlineNanos = deadline;
    if (current.cutAtEpochMs < 0) current.cutAtEpochMs = System.currentTimeMillis();
    for (CellRun.Assignment a : current.assignments.values()) {
      if (!a.finished && !a.lost) a.worker.tell(new WorkerProtocol.StopStep(order.runId(), current.spec.id()));
    }
  }

  private Behavior<Command> onStop(Stop s) {
    if (abortReason == null) abortReason = s.reason();
    getContext().getLog().info("run {}: stopping: {}", order.runId(), s.reason());
    stopCell();
    return afterChange();
  }

  private Behavior<Command> onInterrupt(Interrupt i) {
    if (interruptReason == null) interruptReason = i.reason();
    getContext().getLog().warn("run {}: interrupted: {}", order.runId(), i.reason());
    nextCell = cells.size(); // no further cell
    stopCell(INTERRUPT_GRACE.compareTo(settings.stopTimeout()) < 0 ? INTERRUPT_GRACE : settings.stopTimeout());
    return afterChange();
  }

  /** The actor system stopped this actor before the run ended: hand over what was measured. */
  private Behavior<Command> onPostStop() {
    if (!result.isDone()) {
      String why = interruptReason != null ? interruptReason : "the coordinator's actor system stopped before the run ended";
      getContext().getLog().error("run {}: {}; keeping what was measured", order.runId(), why);
      logs.close();
      result.complete(record(new RunOutcome.Interrupted(why), true));
    }
    return this;
  }

  /** Closes the current cell when complete, then starts the next or finishes the run. */
  private Behavior<Command> afterChange() {
    if (current != null && current.complete()) {
      current.endedAtEpochMs = System.currentTimeMillis();
      StepSpec step = order.scenario().workload().step();
      if (current.cutAtEpochMs < 0 && step.duration() != null && current.measuredUntilEpochMs >= 0
          && current.measuredUntilEpochMs < current.startAtEpochMs + step.duration().toMillis() - END_TOLERANCE_MS) {
        // the workers ended their load before the cell's planned end (e.g. they lost the coordinator)
        current.cutAtEpochMs = current.measuredUntilEpochMs;
      }
      getContext().getLog().info("cell {} done: {} ok, {} errors, {} tokens", current.spec.id(), current.aggregate.ok(), current.aggregate.errorCount(), current.aggregate.outputTokens());
      publish(RunStatus.Phase.RUNNING);
      finishedCells.add(current);
      current = null;
      waitingSinceNanos = System.nanoTime();
      if (nextCell < cells.size() && abortReason == null && interruptReason == null) {
        observer.checkpoint(record(new RunOutcome.Interrupted(
            "not finished: results after " + finishedCells.size() + " of " + cells.size() + " cells; the coordinator did not end the run"), false));
      }
      if (abortReason == null && nextCell < cells.size()) maybeStartCell();
    }
    if (current == null && (abortReason != null || nextCell >= cells.size())) return finish();
    return this;
  }

  private Behavior<Command> finish() {
    logs.close();
    RunRecord record = record(null, false);
    RunOutcome outcome = record.outcome();
    message = outcome instanceof RunOutcome.Completed ? "completed" : outcome.key() + ": " + outcome.reason();
    getContext().getLog().info("run {} {}", order.runId(), message);
    publish(RunStatus.Phase.WRITING_RESULTS);
    result.complete(record);
    MDC.remove("runId");
    return Behaviors.stopped();
  }

  /**
   * The run as measured so far.
   *
   * @param outcome the outcome to state, or null to judge it from what happened
   * @param withRunningCell also include the cell still running, as cut now
   */
  private RunRecord record(RunOutcome outcome, boolean withRunningCell) {
    List<CellRun> ended = new ArrayList<>(finishedCells);
    if (withRunningCell && current != null) {
      if (current.cutAtEpochMs < 0) current.cutAtEpochMs = current.cutAt(System.currentTimeMillis());
      current.endedAtEpochMs = System.currentTimeMillis();
      ended.add(current);
    }
    List<CellRecord> records = new ArrayList<>();
    long lostRequests = 0;
    List<String> cut = new ArrayList<>();
    for (CellRun c : ended) {
      lostRequests += c.requestsLost;
      boolean isCut = c.cut();
      if (isCut) cut.add(c.spec.id());
      records.add(new CellRecord(c.spec, c.aggregate, window(c, isCut), c.requestsLost, settings.sendLagBudgetMs(), c.workersUsed, c.startAtEpochMs,
          c.endedAtEpochMs, isCut));
    }
    if (outcome == null) {
      List<WorkerEvent> losses = events.stream().filter(e -> e.kind() == WorkerEvent.Kind.LOST).toList();
      List<String> degraded = new ArrayList<>();
      if (!losses.isEmpty() || lostRequests > 0) {
        degraded.add(losses.size() + " worker(s) lost (" + String.join(", ", losses.stream().map(WorkerEvent::workerId).toList())
            + "), " + lostRequests + " request(s) lost with them");
      }
      String empty = Verdicts.emptyCells(records);
      if (empty != null) degraded.add(empty);
      if (!cut.isEmpty()) degraded.add("cut short: " + String.join(", ", cut));
      if (interruptReason != null) {
        outcome = new RunOutcome.Interrupted(interruptReason + (cut.isEmpty() ? "" : " (cut short: " + String.join(", ", cut) + ")"));
      } else if (abortReason != null) {
        outcome = new RunOutcome.Aborted(abortReason);
      } else if (!degraded.isEmpty()) {
        outcome = new RunOutcome.Degraded(String.join("; ", degraded));
      } else {
        outcome = new RunOutcome.Completed();
      }
    }
    return new RunRecord(order.runId(), order.scenario(), startedAtEpochMs, System.currentTimeMillis(), outcome, workersPlanned, List.copyOf(events), records);
  }

  /**
   * What a cell's throughput is divided by: the planned window (duration − warm-up) for a duration
   * step that ran to its plan; for a cut one the time from the end of its warm-up to the cut; for a
   * request-count step the span its measured requests really took.
   */
  private double window(CellRun c, boolean cut) {
    StepSpec step = order.scenario().workload().step();
    if (step.duration() == null) return c.aggregate.measuredSpanSeconds();
    double planned = step.duration().minus(step.warmupOrZero()).toNanos() / 1e9;
    if (!cut) return planned;
    long measuredFrom = c.startAtEpochMs + step.warmupOrZero().toMillis();
    double real = Math.max(0, c.cutAt(c.endedAtEpochMs > 0 ? c.endedAtEpochMs : System.currentTimeMillis()) - measuredFrom) / 1000.0;
    return Math.min(planned, real);
  }

  // --- helpers ------------------------------------------------------------------------------------

  private void probe(WorkerInfo w) {
    long id = ++probeSeq;
    probes.put(id, new long[] {epochMicros()});
    if (probes.size() > 10_000) probes.clear(); // answers that never came
    w.ref.tell(new WorkerProtocol.ClockPing(id, self));
  }

  private void publish(RunStatus.Phase phase) {
    CellRun c = current != null ? current : finishedCells.isEmpty() ? null : finishedCells.get(finishedCells.size() - 1);
    double secs = Math.max(1e-3, (System.nanoTime() - lastTickNanos) / 1e9);
    List<RunStatus.WorkerView> views = new ArrayList<>();
    Set<String> shown = new HashSet<>();
    if (c != null) {
      for (CellRun.Assignment a : c.assignments.values()) {
        views.add(new RunStatus.WorkerView(a.workerId, a.state(), a.share.streams(), a.share.requestQuota(), a.lastInFlight));
        shown.add(a.workerId);
      }
    }
    for (WorkerInfo w : workers.values()) {
      if (shown.add(w.id)) views.add(new RunStatus.WorkerView(w.id, w.lost ? "gone" : "idle", 0, 0, 0));
    }
    views.sort(Comparator.comparing(RunStatus.WorkerView::id));
    Histogram ttft = c == null ? null : c.aggregate.histogram(Metric.TTFT);
    boolean hasTtft = ttft != null && ttft.getTotalCount() > 0;
    observer.update(new RunStatus(
        order.runId(),
        order.scenario().name(),
        phase,
        null,
        message,
        c == null ? 0 : c.spec.index() + 1,
        cells.size(),
        c == null ? null : c.spec.id(),
        c == null ? -1 : c.requests,
        c == null ? 0 : c.aggregate.ok() + c.aggregate.errorCount(),
        c == null ? 0 : c.aggregate.errorCount(),
        c == null ? 0 : c.aggregate.outputTokens(),
        c == null || c != current ? 0 : c.tokensSinceTick / secs,
        c == null || c != current ? 0 : c.inFlight(),
        hasTtft ? ttft.getValueAtPercentile(50) / 1000.0 : 0,
        hasTtft ? ttft.getValueAtPercentile(99) / 1000.0 : 0,
        List.copyOf(views),
        List.copyOf(events),
        order.outDir().toString(),
        startedAtEpochMs,
        System.currentTimeMillis(),
        null));
  }

  private String workerId(ActorRef<?> ref) {
    Address a = ref.path().address();
    if (a.host().isEmpty()) a = selfAddress; // a worker agent on this very node
    String node = a.host().isDefined() && a.port().isDefined() ? a.host().get() + ":" + a.port().get() : "local";
    // the registered ref is normally the agent's message adapter; agents of one node differ by name
    String name = ref.path().name().contains("adapter") ? ref.path().parent().name() : ref.path().name();
    return "worker".equals(name) ? node : node + "/" + name;
  }
}
