package io.barrage.protocol.scenario;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a capacity search varies: the open-loop arrival rate or the closed-loop concurrency. */
public enum SearchBy {
  RATE,
  CONCURRENCY;

  @JsonValue
  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static SearchBy fromYaml(String s) {
    for (SearchBy b : values()) {
      if (b.yamlName().equals(s)) return b;
    }
    throw new IllegalArgumentException("unknown search dimension '" + s + "', expected rate or concurrency");
  }
}
