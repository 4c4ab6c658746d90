package io.barrage.protocol.metrics;

/**
 * A stretch of time during which a worker could not connect to its target: from a failed connection
 * attempt (refused, timed out, unreachable) to the next successful connect, or to the end of the
 * report's interval while the outage lasts (the next report continues it; {@code CellAggregate}
 * joins the pieces).
 *
 * @param startEpochMs wall-clock start (the first failed attempt, or the start of this piece)
 * @param endEpochMs wall-clock end (the first successful connect, or the end of this piece)
 * @param failedAttempts connection attempts that failed within this piece
 */
public record UnreachableSpan(long startEpochMs, long endEpochMs, long failedAttempts) {
  public UnreachableSpan {
    if (endEpochMs < startEpochMs) throw new IllegalArgumentException("span ends before it starts: " + startEpochMs + " > " + endEpochMs);
  }
}
