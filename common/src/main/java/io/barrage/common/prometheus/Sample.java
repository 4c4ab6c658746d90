package io.barrage.common.prometheus;

import java.util.Map;
import java.util.OptionalLong;

/**
 * One sample line: its name (for histograms and summaries with the {@code _bucket}, {@code _sum} or
 * {@code _count} suffix), its labels in the order written, its value ({@code NaN} and the infinities
 * included) and its timestamp in milliseconds since the epoch when the line had one.
 */
public record Sample(String name, Map<String, String> labels, double value, OptionalLong timestampMillis) {
  public Sample {
    labels = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(labels));
  }

  /** The value of a label, or {@code null} when the sample has no such label. */
  public String label(String labelName) {
    return labels.get(labelName);
  }
}
