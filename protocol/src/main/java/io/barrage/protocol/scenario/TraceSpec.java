package io.barrage.protocol.scenario;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Locale;

/**
 * Trace replay, an open-loop load: the arrivals of a trace file (relative to the scenario's
 * directory, confined like a dataset) at their recorded instants, divided by each {@code speedup}
 * (one cell per value: 2 replays the trace twice as fast). {@code format} is inferred from the file
 * name when absent: {@code .csv} is Azure's, {@code .jsonl} Mooncake's.
 */
public record TraceSpec(String file, Format format, List<Double> speedup) {

  /** The published trace layouts barrage reads (docs/scenario.md "Trace replay"). */
  public enum Format {
    /** Azure LLM inference trace: CSV {@code TIMESTAMP,ContextTokens,GeneratedTokens}. */
    AZURE,
    /** Mooncake: JSONL with {@code timestamp} (ms), {@code input_length}, {@code output_length}, {@code hash_ids}. */
    MOONCAKE;

    @JsonValue
    public String yamlName() {
      return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Format fromYaml(String s) {
      for (Format f : values()) {
        if (f.yamlName().equals(s)) return f;
      }
      throw new IllegalArgumentException("unknown trace format '" + s + "', expected azure or mooncake");
    }
  }

  /** The format given, or the one the file name implies (null when it implies none). */
  public Format formatOrInferred() {
    if (format != null) return format;
    if (file == null) return null;
    String f = file.toLowerCase(Locale.ROOT);
    if (f.endsWith(".csv")) return Format.AZURE;
    if (f.endsWith(".jsonl")) return Format.MOONCAKE;
    return null;
  }

  public List<Double> speedupOrDefault() {
    return speedup == null || speedup.isEmpty() ? List.of(1.0) : speedup;
  }
}
