package io.barrage.common.prometheus;

import java.util.List;
import java.util.Optional;

/**
 * The lines of one metric: its name (without histogram or summary suffixes), its type
 * ({@link MetricType#UNTYPED} without a {@code # TYPE} line), its help text (unescaped) when it had
 * one, and its samples in the order written.
 */
public record MetricFamily(String name, MetricType type, Optional<String> help, List<Sample> samples) {
  public MetricFamily {
    samples = List.copyOf(samples);
  }
}
