package io.barrage.k8s.model;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** On-demand USD/hour per instance type (a whole node), from the chart's values. */
public record PriceTable(Map<String, Double> usdPerHour) {

  public PriceTable {
    usdPerHour = usdPerHour == null ? Map.of() : Map.copyOf(new TreeMap<>(usdPerHour));
    usdPerHour.forEach((k, v) -> {
      if (v == null || v < 0 || v.isNaN() || v.isInfinite()) {
        throw new IllegalArgumentException("price of " + k + " must be a number >= 0, was " + v);
      }
    });
  }

  public static PriceTable empty() {
    return new PriceTable(Map.of());
  }

  public Optional<Double> of(String instanceType) {
    return instanceType == null ? Optional.empty() : Optional.ofNullable(usdPerHour.get(instanceType));
  }
}
