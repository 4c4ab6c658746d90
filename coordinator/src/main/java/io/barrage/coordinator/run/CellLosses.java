package io.barrage.coordinator.run;

import io.barrage.protocol.plan.LoadShare;
import io.barrage.protocol.results.WorkerEvent;
import io.barrage.protocol.scenario.WorkerLossPolicy;
import io.barrage.protocol.wire.WorkerProtocol;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * A running cell's workers that stop carrying their share: a crash or cut-off ({@code LOST}), a
 * graceful leave ({@code LEFT}), a worker that never answered the stop. Records each as a
 * {@link WorkerEvent} with the figures of {@link LossFigures}, keeps those figures true when a lost
 * worker's late reports arrive after all, and applies the scenario's {@code onWorkerLoss}. Plain Java,
 * owned by the run's actor.
 */
final class CellLosses {
  private final RunOrder order;
  private final RunLedger ledger;
  private final Logger log;
  private final long warmupMs;
  private final LongSupplier clockMs;

  CellLosses(RunOrder order, RunLedger ledger, Logger log) {
    this(order, ledger, log, System::currentTimeMillis);
  }

  /** @param clockMs the coordinator's wall clock in epoch milliseconds (a fixed one in tests) */
  CellLosses(RunOrder order, RunLedger ledger, Logger log, LongSupplier clockMs) {
    this.order = order;
    this.ledger = ledger;
    this.log = log;
    this.warmupMs = order.scenario().workload().step().warmupOrZero().toMillis();
    this.clockMs = clockMs;
  }

  private long measuredFrom(CellRun cell) {
    return warmupMs > 0 ? cell.startAtEpochMs + warmupMs : Long.MIN_VALUE;
  }

  /** How the loss of a worker's part was found. */
  enum How {
    /** crash, partition, removed: the survivors may take its share */
    LOST,
    /** a leaving worker gone before its last report arrived: counted like a loss, printed as a leave */
    LEFT_UNFLUSHED,
    /** a leaving worker whose last report arrived: nothing is missing, the survivors take its share */
    LEFT,
    /** no last report within the stop timeout: the cell is ending, nobody takes anything over */
    SILENT_AT_STOP
  }

  /**
   * Ends {@code a}'s part of {@code cell}; nothing happens when it is not carrying or leaving.
   *
   * @return the run's message about it, or null
   */
  String lose(CellRun cell, CellRun.Assignment a, How how, String why) {
    if (a == null || !a.state.awaited()) return null;
    long now = clockMs.getAsLong();
    a.state = how == How.LEFT ? CellRun.State.LEFT : CellRun.State.LOST;
    double capacity = Rebalancer.capacityShare(cell.spec.load(), a.carried);
    a.loss = how == How.LEFT ? LossFigures.NONE : LossFigures.of(a, now, measuredFrom(cell), true, peerRate(cell, a) * capacity);
    WorkerEvent.Kind kind = how == How.LOST || how == How.SILENT_AT_STOP ? WorkerEvent.Kind.LOST : WorkerEvent.Kind.LEFT;
    a.lossEvent = ledger.add(new WorkerEvent(a.workerId, kind, now, cell.spec.id(), capacity, a.loss.inFlightAtLastReport(), why,
        a.loss.completedAfterAtMost(), a.loss.secondsAfterReport()));
    if (how == How.LEFT) {
      log.info("cell {}: worker {} left ({}% of the load); nothing lost", cell.spec.id(), a.workerId, Math.round(capacity * 100));
    } else {
      log.warn("cell {}: worker {} {}: {} ({}% of the load; {})", cell.spec.id(), a.workerId, kind == WorkerEvent.Kind.LOST ? "lost" : "left",
          why, Math.round(capacity * 100), a.loss.text());
    }
    return how == How.SILENT_AT_STOP ? null : applyPolicy(cell, a);
  }

  /** Completions per second per unit of capacity on the cell's other carrying workers (0: none reported). */
  private static double peerRate(CellRun cell, CellRun.Assignment lost) {
    double rate = 0, capacity = 0;
    for (CellRun.Assignment p : cell.assignments.values()) {
      if (p == lost || !p.state.awaited() || p.lastReportEndEpochMs < 0) continue;
      rate += p.lastCompletions * 1000.0 / Math.max(100, p.lastIntervalMs);
      capacity += Rebalancer.capacityShare(cell.spec.load(), p.carried);
    }
    return capacity > 0 ? rate / capacity : 0;
  }

  /**
   * A report of a worker counted lost was merged: it was alive after all. Its figures now follow its
   * latest report, and once its last report is in nothing of it is missing.
   */
  void lateReport(CellRun cell, CellRun.Assignment a, boolean last) {
    if (a == null || a.state != CellRun.State.LOST) return;
    if (last) {
      a.state = CellRun.State.RETURNED;
      a.loss = LossFigures.NONE;
    } else {
      a.loss = LossFigures.of(a, clockMs.getAsLong(), measuredFrom(cell), false);
    }
    if (a.lossEvent < 0) return;
    WorkerEvent e = ledger.events.get(a.lossEvent);
    String detail = e.detail().replaceFirst("; came back.*$", "")
        + (last ? "; came back and delivered its last report: nothing of it is missing" : "; came back, its last report has not arrived");
    ledger.events.set(a.lossEvent, new WorkerEvent(e.workerId(), e.kind(), e.atEpochMs(), e.cellId(), e.capacityShare(),
        a.loss.inFlightAtLastReport(), detail, a.loss.completedAfterAtMost(), a.loss.secondsAfterReport()));
    if (last) ledger.returned.add(a.lossEvent);
    log.info("cell {}: worker {} counted lost sent report(s) after all; {}", cell.spec.id(), a.workerId,
        last ? "its last report arrived, nothing of it is missing" : a.loss.text());
  }

  private String applyPolicy(CellRun cell, CellRun.Assignment gone) {
    WorkerLossPolicy policy = order.scenario().onWorkerLossOrDefault();
    String what = gone.state == CellRun.State.LEFT ? "left" : "lost";
    switch (policy) {
      case ABORT -> {
        ledger.abort("worker " + gone.workerId + " " + what + " and onWorkerLoss is abort");
        return null;
      }
      case CONTINUE -> {
        return "worker " + gone.workerId + " " + what + "; continuing with less load (onWorkerLoss: continue)";
      }
      default -> {
        List<CellRun.Assignment> survivors = cell.active();
        survivors.sort(Comparator.comparing(x -> x.workerId));
        if (survivors.isEmpty()) return "worker " + gone.workerId + " " + what + " and no survivor can take its share";
        List<LoadShare> shares = Rebalancer.rebalance(cell.spec.load(), survivors.stream().map(x -> x.share).toList(), gone.share.requestQuota(), gone.completed);
        long now = clockMs.getAsLong();
        for (int i = 0; i < survivors.size(); i++) {
          CellRun.Assignment s = survivors.get(i);
          s.resize(shares.get(i), now);
          s.worker.tell(new WorkerProtocol.ResizeStep(order.runId(), cell.spec.id(), s.share, s.key));
        }
        ledger.add(new WorkerEvent(gone.workerId, WorkerEvent.Kind.REBALANCED, now, cell.spec.id(),
            Rebalancer.capacityShare(cell.spec.load(), gone.carried), 0, "share taken over by " + survivors.size() + " worker(s)"));
        return "worker " + gone.workerId + " " + what + "; its share went to " + survivors.size() + " survivor(s)";
      }
    }
  }

  /** True when the policy asks the run to end now. */
  boolean aborts() {
    return order.scenario().onWorkerLossOrDefault() == WorkerLossPolicy.ABORT;
  }
}
