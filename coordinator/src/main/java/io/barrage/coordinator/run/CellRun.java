package io.barrage.coordinator.run;

import io.barrage.protocol.plan.CellSpec;
import io.barrage.protocol.plan.LoadShare;
import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.wire.WorkerProtocol;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;

/** The state of one cell while it runs: who carries which share, the merge, what was lost. */
final class CellRun {

  /** One worker's part of the cell. */
  static final class Assignment {
    final String workerId;
    final ActorRef<WorkerProtocol.Command> worker;
    LoadShare share;
    boolean finished; // its last report arrived
    boolean lost; // lost (crash, partition) or left; its share went to others or is missing
    boolean leaving; // announced a graceful leave; rebalance once its last report arrived
    long completed; // measured requests it reported (ok + errors)
    long started;
    int lastInFlight;
    long lostRequests; // counted as lost when it was lost; given back if its last report arrives after all
    int lostEvent = -1; // index of its LOST event in the run's events
    long lastReportEndEpochMs = -1; // end of its latest merged interval, coordinator clock
    boolean heard; // any report or failure arrived: the start order was received

    Assignment(String workerId, ActorRef<WorkerProtocol.Command> worker, LoadShare share) {
      this.workerId = workerId;
      this.worker = worker;
      this.share = share;
    }

    boolean active() {
      return !finished && !lost && !leaving;
    }

    String state() {
      if (finished) return lost || leaving ? "left" : "finished";
      if (lost) return "lost";
      if (leaving) return "leaving";
      return "running";
    }
  }

  final CellSpec spec;
  final CellAggregate aggregate;
  final long requests; // -1 for a duration step
  final long startAtEpochMs;
  final Map<ActorRef<WorkerProtocol.Command>, Assignment> assignments = new LinkedHashMap<>();
  final int workersUsed;
  long endedAtEpochMs = -1;
  long requestsLost;
  long tokensSinceTick;
  boolean stopping;
  long stopDeadlineNanos;
  long cutAtEpochMs = -1; // when it was stopped before its plan; -1 while it runs to plan
  long lastReportAtEpochMs = -1; // when the latest interval report was merged
  long measuredUntilEpochMs = -1; // the latest end of a merged interval, in the coordinator's clock

  CellRun(CellSpec spec, long requests, long startAtEpochMs, List<Assignment> assigned) {
    this.spec = spec;
    this.aggregate = new CellAggregate(spec.id());
    this.requests = requests;
    this.startAtEpochMs = startAtEpochMs;
    for (Assignment a : assigned) assignments.put(a.worker, a);
    this.workersUsed = assigned.size();
  }

  List<Assignment> active() {
    List<Assignment> out = new ArrayList<>();
    for (Assignment a : assignments.values()) if (a.active()) out.add(a);
    return out;
  }

  /** Done when every worker either sent its last report or is lost (and not about to flush). */
  boolean complete() {
    for (Assignment a : assignments.values()) {
      if (!a.finished && !(a.lost && !a.leaving)) return false;
    }
    return true;
  }

  /** True when no worker carried its share to the end: every one was lost or left early. */
  boolean nobodyFinished() {
    for (Assignment a : assignments.values()) if (a.finished && !a.lost) return false;
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

  int inFlight() {
    int n = 0;
    for (Assignment a : assignments.values()) if (!a.finished && !a.lost) n += a.lastInFlight;
    return n;
  }
}
