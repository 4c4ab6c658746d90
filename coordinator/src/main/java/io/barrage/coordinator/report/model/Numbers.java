package io.barrage.coordinator.report.model;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/** Rounding and formatting shared by the result files (one place, so JSON, CSV and HTML agree). */
public final class Numbers {
  private Numbers() {}

  /** Rounds half-up to {@code digits} decimals; null and non-finite values become null. */
  public static Double round(Double v, int digits) {
    if (v == null || !Double.isFinite(v)) return null;
    return BigDecimal.valueOf(v).setScale(digits, RoundingMode.HALF_UP).doubleValue();
  }

  /** A number without a trailing ".0". */
  public static String trim(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
    return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  /** Fixed decimals, "–" for null. */
  public static String fmt(Double v, int digits) {
    if (v == null || !Double.isFinite(v)) return "–";
    return String.format(Locale.ROOT, "%." + digits + "f", v);
  }
}
