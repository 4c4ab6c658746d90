package io.barrage.coordinator.run;

import io.barrage.coordinator.report.Verdicts;
import io.barrage.protocol.results.CellRecord;
import io.barrage.protocol.results.RunOutcome;
import io.barrage.protocol.results.RunRecord;
import io.barrage.protocol.results.WorkerEvent;
import io.barrage.protocol.scenario.StepSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * What a run has established so far: its finished cells, the worker events, why it stops (abort or
 * interrupt), reports it refused, interval logs it could not write; and the {@link RunRecord} built
 * from them, with the outcome judged from what happened. Plain Java, owned by the run's actor.
 */
final class RunLedger {
  private final RunOrder order;
  private final RunSettings settings;
  final long startedAtEpochMs = System.currentTimeMillis();
  final List<CellRun> finished = new ArrayList<>();
  final List<WorkerEvent> events = new ArrayList<>();
  int workersPlanned;
  String abortReason;
  String interruptReason;
  int refusedReports;
  String firstRefusal;
  String logFailure;
  /** indexes of LOST events whose worker came back and delivered its last report */
  final java.util.Set<Integer> returned = new java.util.HashSet<>();
  /** What was scraped from the target's metrics during a cell, by cell id (null: nothing). */
  java.util.function.Function<String, io.barrage.protocol.results.ServerTelemetry> server = id -> null;

  RunLedger(RunOrder order, RunSettings settings) {
    this.order = order;
    this.settings = settings;
  }

  void abort(String reason) {
    if (abortReason == null) abortReason = reason;
  }

  int add(WorkerEvent e) {
    events.add(e);
    return events.size() - 1;
  }

  /**
   * The run as measured so far.
   *
   * @param outcome the outcome to state, or null to judge it from what happened
   * @param running the cell still running, included as cut now (null: none)
   */
  RunRecord record(RunOutcome outcome, CellRun running) {
    List<CellRun> ended = new ArrayList<>(finished);
    long now = System.currentTimeMillis();
    if (running != null) {
      if (running.cutAtEpochMs < 0) running.cutAtEpochMs = running.cutAt(now);
      running.endedAtEpochMs = now;
      ended.add(running);
    }
    List<CellRecord> records = new ArrayList<>();
    List<String> cut = new ArrayList<>();
    for (CellRun c : ended) {
      if (c.cut()) cut.add(c.spec.id());
      records.add(recordOf(c));
    }
    if (outcome == null) outcome = judge(records, cut);
    return new RunRecord(order.runId(), order.scenario(), startedAtEpochMs, now, outcome, workersPlanned, List.copyOf(events), records);
  }

  /** A cell as it goes into the result. */
  CellRecord recordOf(CellRun c) {
    boolean isCut = c.cut();
    return new CellRecord(c.spec, c.aggregate, window(c, isCut), c.incomplete(), settings.sendLagBudgetMs(), c.workersUsed, c.startAtEpochMs,
        c.endedAtEpochMs, isCut, server.apply(c.spec.id()));
  }

  private RunOutcome judge(List<CellRecord> records, List<String> cut) {
    List<String> degraded = new ArrayList<>();
    String losses = losses();
    if (losses != null) degraded.add(losses);
    if (refusedReports > 0) {
      degraded.add(refusedReports + " interval report(s) refused and not counted (first: " + firstRefusal + ")");
    }
    if (logFailure != null) degraded.add("interval logs not written: " + logFailure);
    String empty = Verdicts.emptyCells(records);
    if (empty != null) degraded.add(empty);
    if (!cut.isEmpty()) degraded.add("cut short: " + String.join(", ", cut));
    if (interruptReason != null) {
      return new RunOutcome.Interrupted(interruptReason + (cut.isEmpty() ? "" : " (cut short: " + String.join(", ", cut) + ")"));
    }
    if (abortReason != null) return new RunOutcome.Aborted(abortReason);
    if (!degraded.isEmpty()) return new RunOutcome.Degraded(String.join("; ", degraded));
    return new RunOutcome.Completed();
  }

  /**
   * The losses in words, by the rule: what was in flight at each lost worker's last report, and the
   * estimate of what it completed after it. A worker whose late reports delivered everything is named
   * as unreachable for a while, with nothing lost.
   */
  private String losses() {
    long inFlight = 0, after = 0;
    List<String> missing = new ArrayList<>(), back = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      WorkerEvent e = events.get(i);
      boolean loss = e.kind() == WorkerEvent.Kind.LOST || (e.kind() == WorkerEvent.Kind.LEFT && e.lostSomething());
      if (!loss) continue;
      inFlight += e.requestsLost();
      after += e.completedAfterLastReportAtMost();
      (returned.contains(i) ? back : missing).add(e.workerId() + " in " + e.cellId());
    }
    if (missing.isEmpty() && back.isEmpty()) return null;
    List<String> parts = new ArrayList<>();
    if (!missing.isEmpty()) {
      parts.add(missing.size() + " worker(s) lost (" + String.join(", ", missing) + ")" + (inFlight == 0 && after == 0
          ? "; nothing measured was running on them"
          : ": " + inFlight + " request(s) in flight at their last reports counted incomplete, at most ~" + after
              + " more completed after those reports and not counted (estimate)"));
    }
    if (!back.isEmpty()) {
      parts.add(back.size() + " worker(s) unreachable for a while (" + String.join(", ", back) + "); their late reports arrived, nothing of them is missing");
    }
    return String.join("; ", parts);
  }

  /**
   * What a cell's throughput is divided by: the planned window (duration − warm-up) for a duration
   * step that ran to its plan; for a cut one the time from the end of its warm-up to the cut; for a
   * request-count step the span its measured requests really took.
   */
  double window(CellRun c, boolean cut) {
    StepSpec step = order.scenario().workload().step();
    if (step.duration() == null) return c.aggregate.measuredSpanSeconds();
    double planned = step.duration().minus(step.warmupOrZero()).toNanos() / 1e9;
    if (!cut) return planned;
    long measuredFrom = c.startAtEpochMs + step.warmupOrZero().toMillis();
    double real = Math.max(0, c.cutAt(c.endedAtEpochMs > 0 ? c.endedAtEpochMs : System.currentTimeMillis()) - measuredFrom) / 1000.0;
    return Math.min(planned, real);
  }
}
