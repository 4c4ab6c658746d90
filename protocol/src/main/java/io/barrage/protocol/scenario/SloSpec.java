package io.barrage.protocol.scenario;

import java.time.Duration;

/**
 * Service-level objectives checked per cell; a miss fails the run only when {@code failOn.slo}.
 *
 * <p>{@code maxErrorRate} (a fraction, 0.01 = 1 %) also decides which cells the verdicts may use:
 * a cell with a higher error rate is never picked by the comparison sentence, the recommendations or
 * the Pareto frontier. Without a value the verdicts use {@link #DEFAULT_MAX_ERROR_RATE}; the SLO
 * check itself runs only when the value is set.
 *
 * <p>The same thresholds judge each request for goodput ({@link GoodputThresholds}): a percentile
 * gate's value is also the per-request threshold of its metric unless {@code perRequest} names
 * another one.
 */
public record SloSpec(Duration ttftP99, Duration tpotP99, Duration e2eP99, Double maxErrorRate, PerRequest perRequest) {

  public SloSpec(Duration ttftP99, Duration tpotP99, Duration e2eP99, Double maxErrorRate) {
    this(ttftP99, tpotP99, e2eP99, maxErrorRate, null);
  }

  /** Per-request thresholds that differ from the percentile gates' values (each one optional). */
  public record PerRequest(Duration ttft, Duration tpot, Duration e2e) {}

  /** The error rate above which a cell is not eligible for a verdict when the scenario sets none. */
  public static final double DEFAULT_MAX_ERROR_RATE = 0.01;

  /** The verdicts' error-rate limit of a scenario ({@code slo} may be null). */
  public static double verdictErrorRateLimit(SloSpec slo) {
    return slo == null || slo.maxErrorRate() == null ? DEFAULT_MAX_ERROR_RATE : slo.maxErrorRate();
  }
}
