package io.barrage.protocol.scenario;

import java.time.Duration;
import java.util.Locale;

/**
 * {@code workload.load.search}: find, per target, the highest load that meets the scenario's
 * {@code slo}. The search brackets first (the load doubles from {@code min} until a probe misses
 * the SLO or {@code max} is reached), then bisects until the bracket is narrower than
 * {@code precision}, then repeats the best probe before fixing the answer. Each probe is a cell.
 *
 * @param by rate (requests/s, open loop) or concurrency (virtual users, closed loop)
 * @param min the first probe's load (> 0; a whole number for concurrency)
 * @param max the highest load probed
 * @param precision the bracket's width relative to its lower end at which the search stops:
 *     {@code 5%} or {@code 0.05}; default {@link #DEFAULT_PRECISION}
 * @param probes the probe budget of one search (one target at one maxNewTokens); default {@link #DEFAULT_PROBES}
 * @param time the time budget of one search: no probe starts once it is spent; none by default
 */
public record SearchSpec(SearchBy by, Double min, Double max, String precision, Integer probes, Duration time) {

  public static final double DEFAULT_PRECISION = 0.05;
  public static final int DEFAULT_PROBES = 20;
  /** The factor by which the bracketing phase grows the load. */
  public static final double GROWTH = 2.0;

  public int probesOrDefault() {
    return probes == null ? DEFAULT_PROBES : probes;
  }

  /** The precision as a fraction; {@link IllegalArgumentException} naming the text when it is not one. */
  public double precisionFraction() {
    if (precision == null) return DEFAULT_PRECISION;
    String p = precision.trim();
    try {
      if (p.endsWith("%")) return Double.parseDouble(p.substring(0, p.length() - 1).trim()) / 100.0;
      return Double.parseDouble(p);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected a fraction such as 0.05 or a percentage such as 5%, got '" + precision + "'");
    }
  }

  /** The precision as people write it: 0.05 → "5%". */
  public String precisionText() {
    double pct = precisionFraction() * 100;
    return (pct == Math.rint(pct) ? Long.toString((long) pct) : String.format(Locale.ROOT, "%.2f", pct)) + "%";
  }
}
