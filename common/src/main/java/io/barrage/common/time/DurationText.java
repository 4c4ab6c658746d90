package io.barrage.common.time;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them in scenarios: {@code 250ms}, {@code 2s}, {@code 1.5s}, {@code 10m}, {@code 1h}. */
public final class DurationText {
  private static final Pattern P = Pattern.compile("^\\s*([0-9]+(?:\\.[0-9]+)?)\\s*(us|µs|ms|s|m|h)?\\s*$");

  private DurationText() {}

  /**
   * Parses a duration; a bare number means seconds.
   *
   * @throws IllegalArgumentException for text that is not a duration, one longer than a signed
   *     64-bit count of nanoseconds, or one finer than a nanosecond
   */
  public static Duration parse(String text) {
    Matcher m = P.matcher(text == null ? "" : text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration (write e.g. 250ms, 2s, 1.5s, 10m, 1h)");
    }
    BigDecimal v = new BigDecimal(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    BigDecimal nanosPerUnit =
        switch (unit) {
          case "us", "µs" -> BigDecimal.valueOf(1_000L);
          case "ms" -> BigDecimal.valueOf(1_000_000L);
          case "s" -> BigDecimal.valueOf(1_000_000_000L);
          case "m" -> BigDecimal.valueOf(60_000_000_000L);
          case "h" -> BigDecimal.valueOf(3_600_000_000_000L);
          default -> throw new IllegalArgumentException("unit " + unit);
        };
    BigDecimal nanos = v.multiply(nanosPerUnit);
    if (nanos.compareTo(MAX_NANOS) > 0) {
      throw new IllegalArgumentException("'" + text + "' is longer than barrage can count (about 292 years)");
    }
    try {
      return Duration.ofNanos(nanos.longValueExact());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("'" + text + "' is not a whole number of nanoseconds");
    }
  }

  private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);

  /** The shortest exact text for a duration, e.g. {@code 1500ms}, {@code 2s}. */
  public static String format(Duration d) {
    long ns = d.toNanos();
    if (ns % 3_600_000_000_000L == 0 && ns != 0) return ns / 3_600_000_000_000L + "h";
    if (ns % 60_000_000_000L == 0 && ns != 0) return ns / 60_000_000_000L + "m";
    if (ns % 1_000_000_000L == 0) return ns / 1_000_000_000L + "s";
    if (ns % 1_000_000L == 0) return ns / 1_000_000L + "ms";
    return ns / 1_000L + "us";
  }
}
