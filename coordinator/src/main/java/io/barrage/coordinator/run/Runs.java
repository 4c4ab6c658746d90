package io.barrage.coordinator.run;

import io.barrage.coordinator.report.Gates;
import io.barrage.protocol.results.RunOutcome;
import io.barrage.protocol.results.RunRecord;
import io.barrage.protocol.scenario.Scenario;
import io.barrage.protocol.wire.ClusterConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runs of one coordinator: starts a {@link RunCoordinator} per accepted run (one at a time),
 * keeps every run's latest {@link RunStatus} for the API and the live page, and writes the results
 * once a run ends. Around each run it calls the platform's {@link RunHooks} on its own threads:
 * {@code beforePlan} before the run's coordinator starts, {@code ensureWorkers} while it waits for
 * its workers, {@code afterResults} once the results are written and before the status turns
 * {@code FINISHED}; a failing hook is a WARN, never a failed run. Thread-safe; shared by the HTTP
 * routes and the command line.
 */
public final class Runs implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Runs.class);

  /** The answer to a submission. */
  public sealed interface Submitted {
    record Accepted(String runId, CompletableFuture<RunRecord> finished) implements Submitted {}

    record Busy(String activeRunId) implements Submitted {}

    /** The scenario cannot be shipped to the workers (it would not fit one cluster frame); {@code reason} says what to do. */
    record TooLarge(String reason) implements Submitted {}
  }

  /** Room in a frame for everything of a start order but the scenario text and base directory. */
  static final int START_ORDER_HEADROOM_BYTES = 16 * 1024;

  /**
   * Why {@code order} cannot be shipped to the workers, or null when it can: the whole scenario
   * travels in every {@code StartStep}, and Artery drops (with a log line on the sender only) a
   * message larger than its {@code maximum-frame-size}.
   */
  static String tooLargeForAFrame(RunOrder order, long maxFrameBytes) {
    long bytes = wireBytes(order.scenarioYaml()) + wireBytes(order.baseDir() == null ? null : order.baseDir().toString());
    if (bytes + START_ORDER_HEADROOM_BYTES <= maxFrameBytes) return null;
    return "the scenario is " + bytes + " bytes on the wire; every worker receives it in one cluster message of at most "
        + maxFrameBytes + " bytes (pekko.remote.artery.advanced.maximum-frame-size), less " + START_ORDER_HEADROOM_BYTES
        + " for the rest of the order. Put long prompts in a dataset file (workload.prompt.dataset) or raise the frame size on every node";
  }

  /** Bytes Kryo writes for a string: each UTF-16 char as 1 to 3 bytes. */
  private static long wireBytes(String s) {
    if (s == null) return 0;
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      n += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
    }
    return n;
  }

  private final ActorSystem<?> system;
  private final RunSettings settings;
  private final ResultsSink sink;
  private final List<RunObserver> observers = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Map<String, RunStatus> statuses = new ConcurrentHashMap<>();
  private final Map<String, ActorRef<RunCoordinator.Command>> actors = new LinkedHashMap<>();
  private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "barrage-results-writer");
    t.setDaemon(true);
    return t;
  });
  private final ExecutorService platform = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "barrage-run-hooks");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, String> pendingStops = new HashMap<>();
  private final Map<String, CompletableFuture<RunRecord>> finishing = new ConcurrentHashMap<>();
  private final RunHooks hooks;
  private final long maxFrameBytes;
  private String active;

  public Runs(ActorSystem<?> system, RunSettings settings, ResultsSink sink) {
    this(system, settings, sink, RunHooks.NONE);
  }

  /** @param hooks what the platform adds around each run ({@link RunHooks#NONE}: nothing) */
  public Runs(ActorSystem<?> system, RunSettings settings, ResultsSink sink, RunHooks hooks) {
    this.system = system;
    this.settings = settings;
    this.sink = sink;
    this.hooks = hooks;
    this.maxFrameBytes = system.settings().config().getBytes("pekko.remote.artery.advanced.maximum-frame-size");
    // whatever shuts the node down (SIGTERM, Ctrl-C, being downed, close()), the active run is
    // interrupted first and its results are written before the cluster connections go
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "barrage-interrupt-run", () -> {
      String reason = "the coordinator is shutting down (" + describe(CoordinatedShutdown.get(system).getShutdownReason()) + ")";
      if (active().isEmpty()) return CompletableFuture.completedFuture(Done.getInstance());
      // its own thread: the shared pools may already be shut down by close()
      return CompletableFuture.supplyAsync(() -> {
        interruptActive(reason, INTERRUPT_WAIT);
        return Done.getInstance();
      }, r -> {
        Thread t = new Thread(r, "barrage-interrupt-run");
        t.setDaemon(true);
        t.start();
      });
    });
  }

  /** How long a shutdown waits for the interrupted run's results to be written. */
  static final java.time.Duration INTERRUPT_WAIT = java.time.Duration.ofSeconds(9);

  private static String describe(Optional<CoordinatedShutdown.Reason> reason) {
    if (reason.isEmpty()) return "no reason given";
    CoordinatedShutdown.Reason r = reason.get();
    if (r == CoordinatedShutdown.jvmExitReason()) return "the process was asked to exit: SIGTERM or Ctrl-C";
    if (r == CoordinatedShutdown.clusterDowningReason()) return "this node was downed by the cluster";
    if (r == CoordinatedShutdown.actorSystemTerminateReason()) return "the actor system was terminated";
    if (r == CoordinatedShutdown.clusterLeavingReason()) return "this node left the cluster";
    return r.toString();
  }

  /**
   * Interrupts the active run (outcome {@code interrupted}) and waits up to {@code wait} for its
   * results to be written; true when there was none or they were written in time.
   */
  public boolean interruptActive(String reason, java.time.Duration wait) {
    CompletableFuture<RunRecord> done;
    synchronized (this) {
      if (active == null) return true;
      ActorRef<RunCoordinator.Command> ref = actors.get(active);
      done = finishing.get(active);
      if (ref == null) {
        pendingStops.put(active, reason);
      } else {
        ref.tell(new RunCoordinator.Interrupt(reason));
      }
    }
    try {
      if (done != null) done.get(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      return true;
    } catch (Exception e) {
      log.error("run interrupted ({}) but its results were not written within {} s: {}", reason, wait.toSeconds(), e.toString());
      return false;
    }
  }

  /** Also tell {@code o} about every status update (e.g. terminal progress lines). */
  public void addObserver(RunObserver o) {
    observers.add(o);
  }

  public synchronized Submitted submit(RunOrder order) {
    String tooLarge = tooLargeForAFrame(order, maxFrameBytes);
    if (tooLarge != null) return new Submitted.TooLarge(tooLarge);
    if (active != null) return new Submitted.Busy(active);
    active = order.runId();
    CompletableFuture<RunRecord> measured = new CompletableFuture<>();
    CompletableFuture<RunRecord> finished = new CompletableFuture<>();
    finishing.put(order.runId(), finished);
    RunObserver fanOut = new RunObserver() {
      @Override
      public void update(RunStatus s) {
        statuses.put(s.runId(), s);
        for (RunObserver o : observers) o.update(s);
      }

      @Override
      public void merged(String runId, io.barrage.protocol.plan.CellSpec cell, io.barrage.protocol.metrics.IntervalReport report,
          Map<io.barrage.protocol.metrics.Metric, org.HdrHistogram.Histogram> histograms) {
        for (RunObserver o : observers) o.merged(runId, cell, report, histograms);
      }

      @Override
      public void checkpoint(RunRecord soFar) {
        // written in order with the final results on the same thread; a later write replaces it
        writer.execute(() -> {
          if (measured.isDone()) return;
          try {
            sink.write(soFar, order.outDir());
          } catch (Exception e) {
            log.warn("run {}: cannot write the results so far to {}: {}", order.runId(), order.outDir(), e.toString());
          }
        });
      }
    };
    for (RunObserver o : observers) o.accepted(order);
    // known from the moment it is accepted (the run's actor publishes its first status a moment later)
    statuses.putIfAbsent(order.runId(), RunStatus.preparing(order.runId(), order.scenario().name(), "waiting for workers", order.outDir().toString()));
    if (hooks == RunHooks.NONE) {
      start(order, fanOut, measured);
    } else {
      // the platform hooks may block (API calls): run them off the caller's thread (an HTTP route)
      fanOut.update(RunStatus.preparing(order.runId(), order.scenario().name(), "preparing the run", order.outDir().toString()));
      CompletableFuture.supplyAsync(() -> prepared(order), platform)
          .thenAccept(o -> start(o, fanOut, measured))
          .exceptionally(e -> {
            measured.completeExceptionally(e);
            return null;
          });
    }
    measured.whenCompleteAsync(
        (record, err) -> {
          String outcome = record == null ? "aborted" : record.outcome().key();
          String msg;
          List<String> gates = List.of();
          try {
            if (err != null) throw err;
            sink.write(record, order.outDir());
            msg = record.outcome().text() + "; results in " + order.outDir();
            afterResults(order);
            gates = gates(record);
          } catch (Throwable e) {
            log.error("run {}: cannot write results to {}: {}", order.runId(), order.outDir(), e.toString());
            msg = "results could not be written: " + e.getMessage();
            gates = null;
            err = e;
          }
          RunStatus last = statuses.get(order.runId());
          if (last != null) fanOut.update(last.finished(outcome, msg, gates));
          synchronized (Runs.this) {
            if (order.runId().equals(active)) active = null;
          }
          finishing.remove(order.runId());
          if (err != null) finished.completeExceptionally(err);
          else finished.complete(record);
        },
        writer);
    return new Submitted.Accepted(order.runId(), finished);
  }

  /** The order with the scenario as {@link RunHooks#beforePlan} returned it (unchanged if it failed). */
  private RunOrder prepared(RunOrder order) {
    try {
      Scenario s = hooks.beforePlan(order.scenario());
      if (s == null || s == order.scenario()) return order;
      return new RunOrder(order.runId(), s, order.scenarioYaml(), order.baseDir(), order.outDir(), order.minWorkers());
    } catch (RuntimeException e) {
      log.warn("run {}: preparing the scenario failed, going on with it as written: {}", order.runId(), e.toString());
      return order;
    }
  }

  private synchronized void start(RunOrder order, RunObserver fanOut, CompletableFuture<RunRecord> measured) {
    ActorRef<RunCoordinator.Command> ref;
    try {
      ref = system.systemActorOf(RunCoordinator.create(order, settings, fanOut, measured), "run-" + order.runId(), Props.empty());
    } catch (RuntimeException e) { // e.g. the actor system is terminating: the run ends here, the next one is not refused
      log.error("run {}: cannot start its coordinator: {}", order.runId(), e.toString());
      measured.completeExceptionally(e);
      return;
    }
    actors.put(order.runId(), ref);
    String stop = pendingStops.remove(order.runId());
    if (stop != null) ref.tell(new RunCoordinator.Stop(stop));
    if (hooks != RunHooks.NONE) {
      platform.execute(() -> {
        try {
          hooks.ensureWorkers(order.minWorkers(), this::workersUp);
        } catch (RuntimeException e) {
          log.warn("run {}: making sure {} worker(s) run failed: {}", order.runId(), order.minWorkers(), e.toString());
        }
      });
    }
  }

  /** The failed {@code failOn} gates, or null when they cannot be judged. */
  private static List<String> gates(RunRecord record) {
    try {
      return Gates.failures(record);
    } catch (RuntimeException e) {
      log.warn("run {}: cannot judge its gates: {}", record.runId(), e.toString());
      return null;
    }
  }

  private void afterResults(RunOrder order) {
    try {
      hooks.afterResults(order.outDir(), order.runId());
    } catch (RuntimeException e) {
      log.warn("run {}: after-results hook failed: {}", order.runId(), e.toString());
    }
  }

  /** Worker nodes Up in the cluster now (what a scale-up waits for). */
  private int workersUp() {
    int n = 0;
    for (Member m : Cluster.get(system).state().getMembers()) {
      if (m.status() == MemberStatus.up() && m.hasRole(ClusterConfig.ROLE_WORKER)) n++;
    }
    return n;
  }

  /** Asks a run to stop; false when there is no such run or it already ended. */
  public synchronized boolean stop(String runId, String reason) {
    if (!runId.equals(active)) return false;
    ActorRef<RunCoordinator.Command> ref = actors.get(runId);
    if (ref == null) { // still preparing: stop it as soon as it starts
      pendingStops.put(runId, reason);
      return true;
    }
    ref.tell(new RunCoordinator.Stop(reason));
    return true;
  }

  public Optional<RunStatus> status(String runId) {
    return Optional.ofNullable(statuses.get(runId));
  }

  public List<RunStatus> list() {
    List<RunStatus> out = new ArrayList<>(statuses.values());
    out.sort(Comparator.comparingLong(RunStatus::startedAtEpochMs));
    return out;
  }

  public synchronized Optional<String> active() {
    return Optional.ofNullable(active);
  }

  @Override
  public void close() {
    interruptActive("the coordinator was closed", INTERRUPT_WAIT);
    writer.shutdown();
    platform.shutdownNow(); // interrupts a scale-up still waiting for its workers
  }
}
