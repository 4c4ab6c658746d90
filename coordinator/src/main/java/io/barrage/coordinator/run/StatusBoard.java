package io.barrage.coordinator.run;

import io.barrage.protocol.metrics.Metric;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.HdrHistogram.Histogram;

/**
 * Builds a run's {@link RunStatus} snapshot for the API, the live page and the terminal. A worker's
 * in-flight count is shown only while its reports keep coming: one silent for longer than
 * {@code staleMs} may be dead (the failure detector takes seconds to say so), and its last count
 * would be a load the target no longer sees; it is shown as {@code silent} with nothing in flight.
 */
final class StatusBoard {
  private final RunOrder order;
  private final int cellCount;
  private final long staleMs;

  StatusBoard(RunOrder order, int cellCount, long staleMs) {
    this.order = order;
    this.cellCount = cellCount;
    this.staleMs = staleMs;
  }

  /**
   * @param current the running cell, or null
   * @param secondsSinceTick what {@code tokensSinceTick} of the running cell covers
   */
  RunStatus snapshot(RunStatus.Phase phase, String message, CellRun current, RunLedger ledger, WorkerRoster roster, double secondsSinceTick) {
    CellRun c = current != null ? current : ledger.finished.isEmpty() ? null : ledger.finished.get(ledger.finished.size() - 1);
    long now = System.currentTimeMillis();
    List<RunStatus.WorkerView> views = new ArrayList<>();
    Set<String> shown = new HashSet<>();
    if (c != null) {
      for (CellRun.Assignment a : c.assignments.values()) {
        views.add(new RunStatus.WorkerView(a.workerId, a.view(now, staleMs), a.share.streams(), a.share.requestQuota(), c == current ? a.liveInFlight(now, staleMs) : 0));
        shown.add(a.workerId);
      }
    }
    for (WorkerRoster.Member m : roster.all()) {
      if (shown.add(m.id)) views.add(new RunStatus.WorkerView(m.id, m.presence == WorkerRoster.Presence.AVAILABLE ? "idle" : "gone", 0, 0, 0));
    }
    views.sort(Comparator.comparing(RunStatus.WorkerView::id));
    Histogram ttft = c == null ? null : c.aggregate.histogram(Metric.TTFT);
    boolean hasTtft = ttft != null && ttft.getTotalCount() > 0;
    double secs = Math.max(1e-3, secondsSinceTick);
    return new RunStatus(
        order.runId(),
        order.scenario().name(),
        phase,
        null,
        message,
        c == null ? 0 : c.spec.index() + 1,
        cellCount,
        c == null ? null : c.spec.id(),
        c == null ? -1 : c.requests,
        c == null ? 0 : c.aggregate.ok() + c.aggregate.errorCount(),
        c == null ? 0 : c.aggregate.errorCount(),
        c == null ? 0 : c.aggregate.outputTokens(),
        c == null || c != current ? 0 : c.tokensSinceTick / secs,
        c == null || c != current ? 0 : c.inFlight(now, staleMs),
        hasTtft ? ttft.getValueAtPercentile(50) / 1000.0 : 0,
        hasTtft ? ttft.getValueAtPercentile(99) / 1000.0 : 0,
        List.copyOf(views),
        List.copyOf(ledger.events),
        order.outDir().toString(),
        ledger.startedAtEpochMs,
        now,
        null);
  }
}
