package io.barrage.coordinator.run;

import io.barrage.protocol.metrics.IntervalReport;
import io.barrage.protocol.plan.CellSpec;
import io.barrage.protocol.plan.LoadShare;
import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.wire.OrderKey;
import io.barrage.protocol.wire.WorkerProtocol;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/** The state of one cell while it runs: who carries which share, the merge, what was lost. */
final class CellRun {

  /** Where one worker's part of the cell is. */
  enum State {
    /** carries its share */
    RUNNING,
    /** announced a graceful leave; its share is handed over once its last report arrived */
    LEAVING,
    /** crashed, cut off, or gone without its last report: its share went to others or is missing */
    LOST,
    /** was lost, then its last report arrived after all: nothing of it is missing */
    RETURNED,
    /** left gracefully; its last report arrived */
    LEFT,
    /** its last report arrived */
    FINISHED,
    /** sent nothing after its start instant: its start order never arrived or was not taken */
    SILENT,
    /** said it cannot run the cell */
    FAILED;

    /** The cell still waits for this worker's last report. */
    boolean awaited() {
      return this == RUNNING || this == LEAVING;
    }
  }

  /** One worker's part of the cell. */
  static final class Assignment {
    final String workerId;
    final ActorRef<WorkerProtocol.Command> worker;
    final OrderKey key; // the worker's key: every order to it carries it
    State state = State.RUNNING;
    LoadShare share; // what it was last told to carry
    LoadShare carried; // what it carried as far as its reports show (a resize it never got is not in it)
    long shareSentAtEpochMs; // when {@code share} was sent
    long completed; // measured requests it reported (ok + errors)
    int lastInFlight;
    long lastReportEndEpochMs = -1; // end of its latest merged interval, coordinator clock
    long lastReportArrivedAtEpochMs = -1;
    long lastIntervalMs = 1000; // length of its latest interval
    long lastCompletions; // requests (measured or warm-up) that ended in its latest interval
    long allCompletions; // requests (measured or warm-up) that ended in all its merged intervals
    long firstReportStartEpochMs = -1; // start of its earliest merged interval, coordinator clock
    long maxDeliveryLagMs; // longest time a report of it took from its end to its merge
    boolean heard; // any report or failure arrived: the start order was received
    int lossEvent = -1; // index of its LOST/LEFT event in the run's events
    LossFigures loss = LossFigures.NONE; // what is missing with it while it is LOST

    Assignment(String workerId, ActorRef<WorkerProtocol.Command> worker, OrderKey key, LoadShare share) {
      this.workerId = workerId;
      this.worker = worker;
      this.key = key;
      this.share = share;
      this.carried = share;
    }

    void resize(LoadShare to, long nowEpochMs) {
      share = to;
      shareSentAtEpochMs = nowEpochMs;
    }

    /** Takes in a merged report; {@code endEpochMs} is its end in the coordinator's clock. */
    void reported(IntervalReport r, long endEpochMs, long nowEpochMs) {
      var c = r.counters();
      heard = true;
      completed += c.ok() + c.errorCount();
      allCompletions += c.ok() + c.errorCount() + c.warmupRequests();
      long startMs = endEpochMs - Math.max(0, r.endEpochMs() - r.startEpochMs());
      if (firstReportStartEpochMs < 0 || startMs < firstReportStartEpochMs) firstReportStartEpochMs = startMs;
      maxDeliveryLagMs = Math.max(maxDeliveryLagMs, nowEpochMs - endEpochMs);
      if (endEpochMs < lastReportEndEpochMs) return; // a late resend of an older interval
      lastInFlight = c.inFlight();
      lastReportEndEpochMs = endEpochMs;
      lastReportArrivedAtEpochMs = nowEpochMs;
      lastIntervalMs = Math.max(1, r.endEpochMs() - r.startEpochMs());
      lastCompletions = c.ok() + c.errorCount() + c.warmupRequests();
      // an interval that ended after the resize was sent ran (most likely) on the new share
      if (endEpochMs >= shareSentAtEpochMs) carried = share;
    }

    /** Requests per second it completed: the higher of its latest interval's rate and its mean over the cell. */
    double completionRate() {
      double last = lastCompletions * 1000.0 / Math.max(100, lastIntervalMs);
      long span = lastReportEndEpochMs - firstReportStartEpochMs;
      double mean = span > 0 ? allCompletions * 1000.0 / Math.max(100, span) : 0;
      return Math.max(last, mean);
    }

    /** Its latest in-flight count, or 0 when that report is older than {@code staleMs} (it may be dead). */
    int liveInFlight(long nowEpochMs, long staleMs) {
      if (!state.awaited()) return 0;
      if (lastReportArrivedAtEpochMs >= 0 && nowEpochMs - lastReportArrivedAtEpochMs > staleMs) return 0;
      return lastInFlight;
    }

    String view(long nowEpochMs, long staleMs) {
      if (state.awaited() && lastReportArrivedAtEpochMs >= 0 && nowEpochMs - lastReportArrivedAtEpochMs > staleMs) return "silent";
      return state.name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  final CellSpec spec;
  final CellAggregate aggregate;
  final long requests; // -1 for a duration step
  final long startAtEpochMs;
  final Map<ActorRef<WorkerProtocol.Command>, Assignment> assignments = new LinkedHashMap<>();
  final int workersUsed;
  long endedAtEpochMs = -1;
  long tokensSinceTick;
  boolean stopping;
  long stopDeadlineNanos;
  long cutAtEpochMs = -1; // when it was stopped before its plan; -1 while it runs to plan
  long lastReportAtEpochMs = -1; // when the latest interval report was merged
  long measuredUntilEpochMs = -1; // the latest end of a merged interval, in the coordinator's clock

  CellRun(CellSpec spec, long requests, long startAtEpochMs, List<Assignment> assigned) {
    this.spec = spec;
    this.aggregate = new CellAggregate(spec.id());
    if (spec.load() instanceof io.barrage.protocol.plan.Load.Ramp) aggregate.keepLatencySlices(); // per-second percentiles
    this.requests = requests;
    this.startAtEpochMs = startAtEpochMs;
    for (Assignment a : assigned) assignments.put(a.worker, a);
    this.workersUsed = assigned.size();
  }

  /** The workers that carry load now. */
  List<Assignment> active() {
    List<Assignment> out = new ArrayList<>();
    for (Assignment a : assignments.values()) if (a.state == State.RUNNING) out.add(a);
    return out;
  }

  /** Done when no worker's last report is awaited any more. */
  boolean complete() {
    for (Assignment a : assignments.values()) if (a.state.awaited()) return false;
    return true;
  }

  /** True when no worker carried its share to the end: every one was lost or left early. */
  boolean nobodyFinished() {
    for (Assignment a : assignments.values()) if (a.state == State.FINISHED || a.state == State.LEFT) return false;
    return true;
  }

  /** Whether the cell ended before its plan; then {@link #cutAt} is when its measurement really stopped. */
  boolean cut() {
    return cutAtEpochMs >= 0 || nobodyFinished();
  }

  /** When a cut cell stopped measuring: the stop order, else the last report that reached us. */
  long cutAt(long nowEpochMs) {
    if (cutAtEpochMs >= 0) return cutAtEpochMs;
    if (measuredUntilEpochMs >= 0) return measuredUntilEpochMs;
    return lastReportAtEpochMs >= 0 ? lastReportAtEpochMs : nowEpochMs;
  }

  /** Tells every worker whose last report is awaited to stop its step. */
  void tellStop(String runId) {
    for (Assignment a : assignments.values()) {
      if (a.state.awaited()) a.worker.tell(new WorkerProtocol.StopStep(runId, spec.id(), a.key));
    }
  }

  /**
   * Closes the complete cell. A duration cell whose measurement ended more than {@code toleranceMs}
   * before its planned end (e.g. the workers lost the coordinator) is cut at its measured end.
   */
  void close(java.time.Duration planned, long toleranceMs) {
    endedAtEpochMs = System.currentTimeMillis();
    if (cutAtEpochMs < 0 && planned != null && measuredUntilEpochMs >= 0 && measuredUntilEpochMs < startAtEpochMs + planned.toMillis() - toleranceMs) {
      cutAtEpochMs = measuredUntilEpochMs;
    }
  }

  /** Measured requests whose outcome never arrived: the in-flight counts of the workers still lost. */
  long incomplete() {
    long n = 0;
    for (Assignment a : assignments.values()) if (a.state == State.LOST) n += a.loss.inFlightAtLastReport();
    return n;
  }

  /** Requests in flight now as the latest fresh reports say (a silent worker's old count is not shown). */
  int inFlight(long nowEpochMs, long staleMs) {
    int n = 0;
    for (Assignment a : assignments.values()) n += a.liveInFlight(nowEpochMs, staleMs);
    return n;
  }
}
