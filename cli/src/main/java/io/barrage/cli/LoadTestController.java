package io.barrage.cli;

import io.barrage.coordinator.report.Headline;
import io.barrage.coordinator.report.SummaryBuilder;
import io.barrage.coordinator.run.RunIntake;
import io.barrage.coordinator.run.RunObserver;
import io.barrage.coordinator.run.RunStatus;
import io.barrage.k8s.model.LoadTest;
import io.barrage.k8s.model.LoadTestStatus;
import io.barrage.k8s.model.LoadTestStatus.Phase;
import io.barrage.k8s.client.LoadTests;
import io.barrage.protocol.results.RunRecord;
import io.barrage.protocol.scenario.ScenarioProblem;
import io.kubernetes.client.openapi.ApiException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@code LoadTest} resources of the coordinator's namespace, one at a time in the order
 * they were seen, and keeps their status current. Each LoadTest's {@code spec.scenario} goes through
 * {@link RunIntake}, the way {@code POST /api/runs} starts a run (same validation, allowed targets,
 * results directory); {@code spec.workers} is the run's worker count. Status: {@code Pending} while
 * queued or while another run (also one posted to the API) is in progress, {@code Invalid} with every
 * problem of the scenario, {@code Running} with cells done / planned and the current cell, then
 * {@code Succeeded} (completed, every {@code failOn} gate passed) or {@code Failed} (degraded,
 * aborted, a gate failed, results not written), with the outcome and the run's headline.
 *
 * <p>A LoadTest is run once: changes to its spec after it started are ignored (the status's
 * {@code observedGeneration} says which generation ran); while it is still queued the newest spec is
 * the one that runs. Deleting a queued LoadTest drops it; deleting the running one stops its run
 * (which ends {@code aborted}, its results written as for any stopped run). A LoadTest that an
 * earlier coordinator process had started (status {@code Running}) is marked {@code Failed}: the run
 * died with that process, and running it again unasked would load the targets twice.
 *
 * <p>Everything runs on one thread: the informer's events, the run's status updates and the end of
 * a run are handed to it, so the state needs no locks and status writes happen in order. A failed
 * status write (API down, RBAC) is a WARN; the run goes on.
 */
final class LoadTestController implements LoadTests.Listener, RunObserver, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LoadTestController.class);

  /** How often a LoadTest waiting for another run to end tries again (it also tries when a run ends). */
  static final Duration BUSY_RETRY = Duration.ofSeconds(5);

  /** Writes a status; {@link LoadTests#writeStatus} in the coordinator. */
  interface StatusWriter {
    void write(String name, LoadTestStatus status) throws ApiException;
  }

  /** The LoadTest being run now. */
  private static final class Active {
    final LoadTest loadTest;
    final String runId;
    final String resultsDir;
    final Instant start = Instant.now();
    boolean deleted;
    int writtenCell = -1;
    RunStatus.Phase writtenPhase;

    Active(LoadTest loadTest, String runId, String resultsDir) {
      this.loadTest = loadTest;
      this.runId = runId;
      this.resultsDir = resultsDir;
    }
  }

  private final StatusWriter writer;
  private final RunIntake intake;
  private final Duration busyRetry;
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "barrage-loadtests");
    t.setDaemon(true);
    return t;
  });
  // state: only touched on `thread`
  private final Map<String, LoadTest> queue = new LinkedHashMap<>(); // by uid, in arrival order
  private final Set<String> seen = new HashSet<>();
  private final Map<String, String> pendingMessages = new LinkedHashMap<>();
  private Active active;
  private boolean retryScheduled;
  // the latest status of the active run, handed over from the run's actor without blocking it
  private final AtomicReference<RunStatus> latest = new AtomicReference<>();

  LoadTestController(StatusWriter writer, RunIntake intake, Duration busyRetry) {
    this.writer = writer;
    this.intake = intake;
    this.busyRetry = busyRetry;
  }

  /** Starts running the LoadTests {@code loadTests} sees; also follows every run of {@code intake}'s coordinator. */
  static LoadTestController start(LoadTests loadTests, RunIntake intake) {
    LoadTestController c = new LoadTestController(loadTests::writeStatus, intake, BUSY_RETRY);
    intake.runs().addObserver(c);
    loadTests.start(c);
    return c;
  }

  @Override
  public void upsert(LoadTest lt) {
    hand(() -> onUpsert(lt));
  }

  @Override
  public void deleted(LoadTest lt) {
    hand(() -> onDeleted(lt));
  }

  @Override
  public void update(RunStatus s) {
    if (s.phase().terminal()) {
      hand(this::pump); // a run ended (perhaps one posted to the API): a waiting LoadTest may start
      return;
    }
    if (latest.getAndSet(s) == null) hand(this::progress);
  }

  /** Runs {@code task} on the controller's thread; once closed, drops it (a run's actor calls in here and must not fail). */
  private void hand(Runnable task) {
    try {
      thread.execute(task);
    } catch (RejectedExecutionException closed) {
      log.debug("LoadTest controller closed: an event was dropped");
    }
  }

  private void onUpsert(LoadTest lt) {
    if (queue.containsKey(lt.uid())) { // not started yet: the newest spec is the one to run
      queue.put(lt.uid(), lt);
      return;
    }
    if (!seen.add(lt.uid())) return; // running or done here; our own status writes come back as updates too
    if (lt.phase() != null && lt.phase().terminal()) return; // finished before this process started
    if (lt.phase() == Phase.Running || lt.runId() != null) {
      write(lt.name(), new LoadTestStatus(Phase.Failed, lt.runId(), lt.generation(), 0, 0, null, "interrupted", null, null,
          "the coordinator restarted while this LoadTest ran (run " + lt.runId() + "); what was measured until then is in that run's"
              + " results directory. Delete and apply the LoadTest again to run it again", null, null, Instant.now()));
      return;
    }
    queue.put(lt.uid(), lt);
    log.info("{} queued", lt);
    pump();
  }

  private void onDeleted(LoadTest lt) {
    if (queue.remove(lt.uid()) != null) {
      log.info("{} deleted before it ran", lt);
      return;
    }
    if (active != null && active.loadTest.uid().equals(lt.uid()) && !active.deleted) {
      active.deleted = true;
      log.info("{} deleted: stopping its run {}", lt, active.runId);
      intake.runs().stop(active.runId, "its LoadTest " + lt.name() + " was deleted");
    }
  }

  /** Starts the next queued LoadTest unless a run is in progress. */
  private void pump() {
    while (active == null && !queue.isEmpty()) {
      LoadTest lt = queue.values().iterator().next();
      if (lt.scenarioJson() == null) {
        queue.remove(lt.uid());
        write(lt.name(), LoadTestStatus.invalid(lt.generation(), "spec.scenario: required: a barrage scenario (docs/scenario.md)"));
        continue;
      }
      RunIntake.Result r = intake.submit(lt.scenarioJson(), lt.workers());
      if (r instanceof RunIntake.Result.Invalid invalid) {
        queue.remove(lt.uid());
        log.info("{} is not a valid scenario", lt);
        write(lt.name(), LoadTestStatus.invalid(lt.generation(), problems(invalid.problems())));
        continue;
      }
      if (r instanceof RunIntake.Result.Busy busy) {
        pending(lt, "waiting for run " + busy.activeRunId() + " to end");
        retryLater();
        break;
      }
      RunIntake.Result.Accepted a = (RunIntake.Result.Accepted) r;
      queue.remove(lt.uid());
      pendingMessages.remove(lt.uid());
      active = new Active(lt, a.runId(), a.outDir().toString());
      log.info("{} started as run {}", lt, a.runId());
      write(lt.name(), running(active, 0, 0, null, "waiting for workers"));
      Active started = active;
      a.finished().whenComplete((record, err) -> hand(() -> onFinished(started, record, err)));
    }
    int ahead = active == null ? 0 : 1;
    for (LoadTest waiting : new ArrayList<>(queue.values())) {
      if (ahead > 0) pending(waiting, "queued: " + ahead + " LoadTest(s) ahead");
      ahead++;
    }
  }

  private void retryLater() {
    if (retryScheduled) return;
    retryScheduled = true;
    thread.schedule(() -> {
      retryScheduled = false;
      pump();
    }, busyRetry.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void pending(LoadTest lt, String message) {
    if (message.equals(pendingMessages.put(lt.uid(), message))) return; // said already
    write(lt.name(), LoadTestStatus.pending(lt.generation(), message));
  }

  /** Writes the active run's progress when its cell or phase changed. */
  private void progress() {
    RunStatus s = latest.getAndSet(null);
    Active a = active;
    if (s == null || a == null || a.deleted || !s.runId().equals(a.runId)) return;
    if (s.cellIndex() == a.writtenCell && s.phase() == a.writtenPhase) return;
    a.writtenCell = s.cellIndex();
    a.writtenPhase = s.phase();
    int done = Math.max(0, s.cellIndex() - 1);
    write(a.loadTest.name(), running(a, done, s.cellCount(), s.phase() == RunStatus.Phase.RUNNING ? s.cell() : null, s.message()));
  }

  private void onFinished(Active a, RunRecord record, Throwable err) {
    if (active == a) active = null;
    latest.set(null);
    if (!a.deleted) {
      RunStatus last = intake.runs().status(a.runId).orElse(null);
      write(a.loadTest.name(), finished(a, record, err, last));
    }
    log.info("{}: run {} ended", a.loadTest, a.runId);
    pump();
  }

  private static LoadTestStatus running(Active a, int done, int total, String cell, String message) {
    return new LoadTestStatus(Phase.Running, a.runId, a.loadTest.generation(), done, total, cell, null, null, null, message, a.resultsDir,
        a.start, null);
  }

  static LoadTestStatus finished(Active a, RunRecord record, Throwable err, RunStatus last) {
    String outcome = record == null ? "aborted" : record.outcome().key();
    List<String> gates = last == null ? null : last.gateFailures();
    int total = last == null ? 0 : last.cellCount();
    int done = last == null ? 0 : "aborted".equals(outcome) || "interrupted".equals(outcome) ? Math.max(0, last.cellIndex() - 1) : total;
    String headline = null;
    if (record != null) {
      try {
        headline = Headline.of(SummaryBuilder.summary(record));
      } catch (RuntimeException e) {
        log.warn("run {}: no headline: {}", a.runId, e.toString());
      }
    }
    boolean passed = err == null && "completed".equals(outcome) && gates != null && gates.isEmpty();
    String message;
    if (err != null) message = "the results could not be written: " + err.getMessage();
    else if (gates == null) message = last == null ? "run " + outcome : last.message();
    else if (!gates.isEmpty()) message = "failOn gates failed: " + String.join("; ", gates);
    else message = last == null ? "run " + outcome : last.message();
    return new LoadTestStatus(passed ? Phase.Succeeded : Phase.Failed, a.runId, a.loadTest.generation(), done, total, null, outcome, headline,
        gates, message, a.resultsDir, a.start, Instant.now());
  }

  static String problems(List<ScenarioProblem> problems) {
    return problems.stream().map(ScenarioProblem::toString).collect(Collectors.joining("; "));
  }

  private void write(String name, LoadTestStatus status) {
    try {
      writer.write(name, status);
    } catch (ApiException e) {
      if (e.getCode() == 404) {
        log.debug("LoadTest {} is gone; its status was not written", name);
      } else {
        log.warn("cannot write the status of LoadTest {}: {}", name, KubernetesRunHooks.describe(e));
      }
    } catch (RuntimeException e) {
      log.warn("cannot write the status of LoadTest {}: {}", name, e.toString());
    }
  }

  @Override
  public void close() {
    thread.shutdown();
  }
}
