package io.barrage.protocol.scenario;

import java.time.Duration;

/**
 * The per-request thresholds a request must meet to count as good (goodput). Each one is taken from
 * {@code slo.perRequest.<metric>} when given, else from the percentile gate of the same metric
 * ({@code slo.ttftP99}, {@code slo.tpotP99}, {@code slo.e2eP99}), so a user writes a threshold once.
 * A threshold that is not set is not checked; with none set there is no goodput ({@link #of} gives
 * null).
 *
 * <p>A request is good when it succeeded and each set threshold holds for it: {@code ttft ≤ ttft},
 * {@code tpot ≤ tpot}, {@code e2e ≤ e2e}, all in nanoseconds. A metric the request has no value for
 * (no token arrived: no TTFT; fewer than two tokens or a whole-text answer: no TPOT) is not held
 * against it, as the percentile gates have no sample of it either.
 */
public record GoodputThresholds(long ttftNanos, long tpotNanos, long e2eNanos) {

  /** The value of a threshold that is not set. */
  public static final long UNSET = -1;

  /** The thresholds of a scenario's {@code slo}, or null when it sets none (no goodput). */
  public static GoodputThresholds of(SloSpec slo) {
    if (slo == null) return null;
    SloSpec.PerRequest pr = slo.perRequest();
    long ttft = nanos(pr == null ? null : pr.ttft(), slo.ttftP99());
    long tpot = nanos(pr == null ? null : pr.tpot(), slo.tpotP99());
    long e2e = nanos(pr == null ? null : pr.e2e(), slo.e2eP99());
    if (ttft == UNSET && tpot == UNSET && e2e == UNSET) return null;
    return new GoodputThresholds(ttft, tpot, e2e);
  }

  private static long nanos(Duration explicit, Duration gate) {
    Duration d = explicit != null ? explicit : gate;
    return d == null ? UNSET : d.toNanos();
  }

  /**
   * Whether a successful request met every set threshold.
   *
   * @param ttftNanos its time to first token, or a negative value when it has none
   * @param tpotNanos its time per output token after the first, or a negative value when it has none
   * @param e2eNanos its end-to-end time
   */
  public boolean good(long ttftNanos, long tpotNanos, long e2eNanos) {
    if (this.ttftNanos != UNSET && ttftNanos >= 0 && ttftNanos > this.ttftNanos) return false;
    if (this.tpotNanos != UNSET && tpotNanos >= 0 && tpotNanos > this.tpotNanos) return false;
    return this.e2eNanos == UNSET || e2eNanos <= this.e2eNanos;
  }
}
