package io.barrage.coordinator.run;

import io.barrage.protocol.results.RunOutcome;
import io.barrage.protocol.results.RunRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runs of one coordinator: starts a {@link RunCoordinator} per accepted run (one at a time),
 * keeps every run's latest {@link RunStatus} for the API and the live page, and writes the results
 * once a run ends. Thread-safe; shared by the HTTP routes and the command line.
 */
public final class Runs implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Runs.class);

  /** The answer to a submission. */
  public sealed interface Submitted {
    record Accepted(String runId, CompletableFuture<RunRecord> finished) implements Submitted {}

    record Busy(String activeRunId) implements Submitted {}
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
  private String active;

  public Runs(ActorSystem<?> system, RunSettings settings, ResultsSink sink) {
    this.system = system;
    this.settings = settings;
    this.sink = sink;
  }

  /** Also tell {@code o} about every status update (e.g. terminal progress lines). */
  public void addObserver(RunObserver o) {
    observers.add(o);
  }

  public synchronized Submitted submit(RunOrder order) {
    if (active != null) return new Submitted.Busy(active);
    active = order.runId();
    CompletableFuture<RunRecord> measured = new CompletableFuture<>();
    CompletableFuture<RunRecord> finished = new CompletableFuture<>();
    RunObserver fanOut = s -> {
      statuses.put(s.runId(), s);
      for (RunObserver o : observers) o.update(s);
    };
    ActorRef<RunCoordinator.Command> ref =
        system.systemActorOf(RunCoordinator.create(order, settings, fanOut, measured), "run-" + order.runId(), Props.empty());
    actors.put(order.runId(), ref);
    measured.whenCompleteAsync(
        (record, err) -> {
          String outcome = record == null ? "aborted" : record.outcome().key();
          String msg;
          try {
            if (err != null) throw err;
            sink.write(record, order.outDir());
            msg = describe(record.outcome()) + "; results in " + order.outDir();
          } catch (Throwable e) {
            log.error("run {}: cannot write results to {}: {}", order.runId(), order.outDir(), e.toString());
            msg = "results could not be written: " + e.getMessage();
            err = e;
          }
          RunStatus last = statuses.get(order.runId());
          if (last != null) fanOut.update(last.withPhase(RunStatus.Phase.FINISHED, outcome, msg));
          synchronized (Runs.this) {
            if (order.runId().equals(active)) active = null;
          }
          if (err != null) finished.completeExceptionally(err);
          else finished.complete(record);
        },
        writer);
    return new Submitted.Accepted(order.runId(), finished);
  }

  private static String describe(RunOutcome o) {
    if (o instanceof RunOutcome.Aborted a) return "aborted: " + a.reason();
    if (o instanceof RunOutcome.Degraded d) return "degraded: " + d.reason();
    return "completed";
  }

  /** Asks a run to stop; false when there is no such run or it already ended. */
  public synchronized boolean stop(String runId, String reason) {
    ActorRef<RunCoordinator.Command> ref = actors.get(runId);
    if (ref == null || !runId.equals(active)) return false;
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
    writer.shutdown();
  }
}
