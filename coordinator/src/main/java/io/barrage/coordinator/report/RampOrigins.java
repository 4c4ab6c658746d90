package io.barrage.coordinator.report;

import io.barrage.protocol.results.CellAggregate;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each worker's part of a ramp began. A worker follows the ramp from its own start: the cell's
 * common start, or later when its order reached it after that instant (an overloaded machine), and
 * then its whole part runs late by that much. A ramp worker's first interval report starts at the
 * instant it began (its clock), so its earliest interval start is its origin; an origin before the
 * cell's start (a record written before reports said so) counts as the cell's start. The per-second
 * series places each worker's intervals by their time since its own origin, so a second of the series
 * holds every worker's part of the same second of the ramp.
 */
final class RampOrigins {
  private final Map<String, Long> origin = new HashMap<>();
  private final long cellStartMs;

  RampOrigins(CellAggregate a, long cellStartMs) {
    this.cellStartMs = cellStartMs;
    for (CellAggregate.TimelinePoint p : a.timeline()) origin.merge(p.workerId(), p.startEpochMs(), Math::min);
    origin.replaceAll((w, t) -> Math.max(t, cellStartMs));
  }

  /** When {@code workerId}'s part of the ramp began (the cell's start for a worker that sent no interval). */
  long of(String workerId) {
    return origin.getOrDefault(workerId, cellStartMs);
  }

  /** How late {@code workerId} began its part, in ms after the cell's start (0 when on time). */
  long lateMs(String workerId) {
    return of(workerId) - cellStartMs;
  }
}
