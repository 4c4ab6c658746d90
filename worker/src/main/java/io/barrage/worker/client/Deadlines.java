package io.barrage.worker.client;

import io.barrage.protocol.metrics.ErrorClass;

/**
 * The three request timeouts of a transport as instants: total and first-token counted from the
 * request's send instant ({@code base}: {@code tSend}, or the start of the attempt while nothing is
 * written yet), idle from the last token. Pure arithmetic; the connection decides what to do.
 */
final class Deadlines {
  private Deadlines() {}

  /** The timeout {@code t} has run into at {@code now}, or null. */
  static ErrorClass expired(NioTransport tr, RequestTrace t, long base, long now) {
    if (now - base >= tr.totalNanos) return ErrorClass.TOTAL_TIMEOUT;
    if (t.tFirst < 0 && now - base >= tr.firstTokenNanos) return ErrorClass.FIRST_TOKEN_TIMEOUT;
    if (t.tFirst >= 0 && now - t.lastTokenNanos() >= tr.idleNanos) return ErrorClass.IDLE_TIMEOUT;
    return null;
  }

  /**
   * The earliest instant at which a timeout of {@code t} could expire, given what is known now. It
   * only moves later as tokens arrive, so checking then (and re-arming) misses nothing. Before the
   * first token, the idle bound counts too: the first token turns the first-token timeout into the
   * idle one, which may be the shorter.
   */
  static long checkFrom(NioTransport tr, RequestTrace t, long base) {
    long at = plus(base, tr.totalNanos);
    at = Math.min(at, plus(Math.max(base, t.lastTokenNanos()), tr.idleNanos));
    if (t.tFirst < 0) at = Math.min(at, plus(base, tr.firstTokenNanos));
    return at;
  }

  /** {@code t + d}, saturated at {@link Long#MAX_VALUE} instead of wrapping. */
  static long plus(long t, long d) {
    long r = t + d;
    return ((t ^ r) & (d ^ r)) < 0 ? Long.MAX_VALUE : r;
  }
}
