package io.barrage.coordinator.run;

import io.barrage.coordinator.capacity.CellSource;
import io.barrage.protocol.plan.CellSpec;
import io.barrage.protocol.plan.LoadShare;
import io.barrage.protocol.plan.LoadSplitter;
import io.barrage.common.time.DurationText;
import io.barrage.protocol.scenario.StepSpec;
import io.barrage.protocol.wire.CoordinatorProtocol;
import io.barrage.protocol.wire.WorkerProtocol;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;

/**
 * The run's cells in order and how the next one starts: enough available workers (the run's
 * {@code minWorkers} for the first cell, one for later ones), a roll call, then an exact split of the
 * cell over the workers that answered and one common start instant in each worker's own clock. Gives
 * up with a reason when the first cell's workers do not join within {@code worker-join-timeout} or a
 * later cell has none for {@code worker-wait-timeout}. Plain Java, owned by the run's actor.
 */
final class CellSchedule {
  private final RunOrder order;
  private final RunSettings settings;
  private final WorkerRoster roster;
  private final RunLedger ledger;
  private final Logger log;
  private final CellSource cells;
  private final long createdNanos = System.nanoTime();
  private final long rollCallTimeoutNanos;
  /** cells started so far */
  private int next;
  /** the next cell once decided (a search decides it from the cells measured before it) */
  private CellSpec upcoming;
  private boolean decided;
  private boolean skipped;
  private long waitingSinceNanos = System.nanoTime();
  private String waiting = "waiting for workers";

  CellSchedule(RunOrder order, RunSettings settings, WorkerRoster roster, RunLedger ledger, Logger log) {
    this.order = order;
    this.settings = settings;
    this.roster = roster;
    this.ledger = ledger;
    this.log = log;
    this.cells = CellSource.of(order.scenario());
    this.rollCallTimeoutNanos = Math.max(3 * settings.tick().toNanos(), Duration.ofSeconds(3).toNanos());
  }

  int size() {
    return Math.max(cells.plannedSize(), next);
  }

  boolean exhausted() {
    return skipped || upcoming() == null;
  }

  /** The next cell, decided from the cells measured so far (asked only while no cell runs). */
  private CellSpec upcoming() {
    if (!decided) {
      List<io.barrage.protocol.results.CellRecord> measured = new ArrayList<>();
      for (CellRun c : ledger.finished) measured.add(ledger.recordOf(c));
      upcoming = cells.next(measured);
      decided = true;
    }
    return upcoming;
  }

  /** No further cell starts (an interrupt). */
  void skipRest() {
    skipped = true;
    roster.cancelRollCall();
  }

  /** A cell ended: a later cell waits for its workers from now on, and is decided anew. */
  void cellEnded() {
    waitingSinceNanos = System.nanoTime();
    decided = false;
  }

  /** What the run is waiting for while no cell runs. */
  String waiting() {
    return waiting;
  }

  /**
   * Moves towards the next cell: waits for enough available workers, then holds a roll call and
   * starts the cell over those that answered (all of them, or those in by the roll call's timeout).
   *
   * @return the started cell, or null while it cannot start yet
   */
  CellRun advance(long nowNanos, ActorRef<CoordinatorProtocol.Event> self) {
    int needed = next == 0 ? Math.max(1, order.minWorkers()) : 1;
    if (roster.rollCallRunning()) {
      boolean timedOut = nowNanos - roster.rollCallStartedNanos() > rollCallTimeoutNanos;
      if (!roster.rollCallAllAnswered() && !timedOut) return null;
      List<WorkerRoster.Member> answered = roster.rollCallAnswered();
      roster.cancelRollCall();
      return answered.size() >= needed ? start(answered, self) : null;
    }
    List<WorkerRoster.Member> candidates = roster.candidates();
    if (candidates.size() >= needed) {
      roster.startRollCall(candidates, self, nowNanos);
      waiting = "checking " + candidates.size() + " worker(s) before cell " + upcoming().id();
      return null;
    }
    waiting = "waiting for workers (" + candidates.size() + "/" + needed + ")";
    if (next == 0 && nowNanos - createdNanos > settings.workerJoinTimeout().toNanos()) {
      ledger.abort("the first cell needs " + needed + " worker(s) (minWorkers); " + roster.all().size() + " joined and "
          + candidates.size() + " answered within " + DurationText.format(settings.workerJoinTimeout()) + " (worker-join-timeout)");
    } else if (next > 0 && nowNanos - waitingSinceNanos > settings.workerWaitTimeout().toNanos()) {
      ledger.abort("no worker left to run cell " + upcoming().id());
    }
    return null;
  }

  private CellRun start(List<WorkerRoster.Member> ready, ActorRef<CoordinatorProtocol.Event> self) {
    CellSpec spec = upcoming();
    next++;
    decided = false;
    StepSpec step = order.scenario().workload().step();
    long requests = step.requestsFor(spec.load());
    List<LoadShare> shares = LoadSplitter.shares(spec.load(), requests, ready.size(), LoadSplitter.granule(order.scenario().workload()));
    long now = System.currentTimeMillis();
    long startAt = now + settings.startDelay().toMillis();
    List<CellRun.Assignment> assigned = new ArrayList<>();
    for (int i = 0; i < ready.size(); i++) assigned.add(new CellRun.Assignment(ready.get(i).id, ready.get(i).ref, ready.get(i).key, shares.get(i)));
    CellRun cell = new CellRun(spec, requests, startAt, assigned);
    if (next == 1) ledger.workersPlanned = ready.size();
    String baseDir = order.baseDir() == null ? "" : order.baseDir().toString();
    for (CellRun.Assignment a : assigned) {
      a.shareSentAtEpochMs = now;
      long workerStart = startAt + roster.offsetMs(a.workerId);
      a.worker.tell(new WorkerProtocol.StartStep(order.runId(), a.workerId, order.scenarioYaml(), baseDir, spec, a.share, workerStart, self, a.key));
    }
    log.info("cell {} ({}/{}): {} over {} worker(s)", spec.id(), next, size(), spec.load().id(), assigned.size());
    return cell;
  }

  /**
   * Every worker reports once a second from its cell's start instant. Those that have sent nothing
   * {@code startAckTimeout} after it never got their start order (dropped on the way, e.g. over the
   * frame size) or cannot act on it: they are marked silent (the cell does not wait for them) and the
   * reason to abort is returned; null when all were heard or it is too early to say.
   */
  String silentWorkers(CellRun cell) {
    if (System.currentTimeMillis() < cell.startAtEpochMs + settings.startAckTimeout().toMillis()) return null;
    List<String> silent = new ArrayList<>();
    for (CellRun.Assignment a : cell.assignments.values()) {
      if (!a.heard && a.state == CellRun.State.RUNNING) {
        silent.add(a.workerId);
        a.state = CellRun.State.SILENT;
      }
    }
    if (silent.isEmpty()) return null;
    return "cell " + cell.spec.id() + ": worker(s) " + String.join(", ", silent) + " sent nothing within "
        + DurationText.format(settings.startAckTimeout()) + " of the cell's start; the start order did not arrive or was not taken";
  }
}
