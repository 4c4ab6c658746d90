package io.barrage.protocol.scenario;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Inter-arrival law of an open-loop (rate) step. */
public enum Arrivals {
  POISSON,
  CONSTANT;

  @JsonValue
  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Arrivals fromYaml(String s) {
    for (Arrivals a : values()) {
      if (a.yamlName().equals(s)) {
        return a;
      }
    }
    throw new IllegalArgumentException("unknown arrivals '" + s + "', expected poisson or constant");
  }
}
