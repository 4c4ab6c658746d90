package io.barrage.common.prometheus;

import java.util.Locale;
import java.util.Optional;

/** The five metric types of the Prometheus text format, as named on a {@code # TYPE} line. */
public enum MetricType {
  COUNTER,
  GAUGE,
  HISTOGRAM,
  SUMMARY,
  UNTYPED;

  /** The name as written on a {@code # TYPE} line. */
  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Optional<MetricType> ofText(String text) {
    for (MetricType t : values()) {
      if (t.text().equals(text)) return Optional.of(t);
    }
    return Optional.empty();
  }
}
