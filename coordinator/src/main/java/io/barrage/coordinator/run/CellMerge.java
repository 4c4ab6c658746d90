package io.barrage.coordinator.run;

import io.barrage.protocol.metrics.IntervalReport;
import io.barrage.protocol.metrics.Metric;
import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.wire.CoordinatorProtocol;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges interval reports into their cell and appends them to the interval logs. The merge runs on
 * the caller's (the run actor's) thread; the file writes go to one thread of their own, in arrival
 * order, so a slow or failing disk never stalls the run. A report is either merged (then the caller
 * acknowledges it), a duplicate of a merged one (acknowledged again), or refused: corrupt, or for a
 * cell this run does not know. A refused report is not acknowledged (the worker sends it again) and is
 * counted once per (worker, cell, sequence) for the outcome.
 */
final class CellMerge implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CellMerge.class);

  /** What became of a report. */
  sealed interface Result {
    /** Merged into {@code cell}; {@code a} is the sender's part of it (null when it had none). */
    record Merged(CellRun cell, CellRun.Assignment a) implements Result {}

    record Duplicate() implements Result {}

    record Refused(String reason) implements Result {}
  }

  private final IntervalLogs logs;
  private final RunObserver observer;
  private final String runId;
  private final ExecutorService io;
  private final Set<String> refused = new HashSet<>();
  private String firstRefusal;
  private volatile String logFailure;

  CellMerge(IntervalLogs logs, String runId) {
    this(logs, runId, s -> {});
  }

  /** @param observer told of every merged report ({@link RunObserver#merged}) */
  CellMerge(IntervalLogs logs, String runId, RunObserver observer) {
    this.observer = observer;
    this.runId = runId;
    this.logs = logs;
    this.io = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "barrage-interval-logs-" + runId);
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Merges one report into {@code cell} (null: a cell this run does not know).
   *
   * @param offsetMs the sender's clock minus the coordinator's
   */
  Result merge(CellRun cell, CoordinatorProtocol.Interval i, long offsetMs) {
    IntervalReport r = i.report();
    if (cell == null) return refuse(r, "report for cell " + r.cellId() + ", which this run does not have");
    if (cell.aggregate.isDuplicate(r)) {
      cell.aggregate.add(r); // counts the duplicate
      return new Result.Duplicate();
    }
    Map<Metric, Histogram> decoded;
    try {
      decoded = CellAggregate.decode(r);
      cell.aggregate.add(r, decoded); // checks the cell before it changes anything
    } catch (IllegalArgumentException e) {
      return refuse(r, e.getMessage());
    }
    long now = System.currentTimeMillis();
    long end = r.endEpochMs() - offsetMs;
    cell.lastReportAtEpochMs = now;
    cell.measuredUntilEpochMs = Math.max(cell.measuredUntilEpochMs, end);
    cell.tokensSinceTick += r.counters().arrivedTokens(); // the live rate, by arrival like the chart
    CellRun.Assignment a = cell.assignments.get(i.worker());
    if (a != null) a.reported(r, end, now);
    observer.merged(runId, cell.spec, r, decoded);
    io.execute(() -> {
      try {
        logs.write(cell.spec, r, decoded, offsetMs, cell.startAtEpochMs);
      } catch (RuntimeException e) {
        if (logFailure == null) {
          logFailure = e.getMessage();
          log.error("cell {}: cannot write the interval logs: {}", cell.spec.id(), e.getMessage());
        }
      }
    });
    return new Result.Merged(cell, a);
  }

  private Result refuse(IntervalReport r, String reason) {
    if (refused.add(r.workerId() + "#" + r.cellId() + "#" + r.sequence())) {
      log.error("cell {}: refused report {} of {}: {}", r.cellId(), r.sequence(), r.workerId(), reason);
      if (firstRefusal == null) firstRefusal = "report " + r.sequence() + " of " + r.workerId() + ": " + reason;
    }
    return new Result.Refused(reason);
  }

  /** Distinct reports refused so far. */
  int refusedCount() {
    return refused.size();
  }

  /** The first refused report and why, or null. */
  String firstRefusal() {
    return firstRefusal;
  }

  /** Why the interval logs could not be written, or null while they could. */
  String logFailure() {
    return logFailure;
  }

  /** Closes the logs after every queued write; the returned future completes then. */
  CompletableFuture<Void> closeLogs() {
    if (io.isShutdown()) return CompletableFuture.completedFuture(null);
    CompletableFuture<Void> done = CompletableFuture.runAsync(logs::close, io);
    io.shutdown();
    return done;
  }

  /** Closes the logs, waiting a few seconds at most for the queued writes. */
  @Override
  public void close() {
    try {
      closeLogs().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("the interval logs were not closed in time: {}", e.toString());
    }
  }
}
