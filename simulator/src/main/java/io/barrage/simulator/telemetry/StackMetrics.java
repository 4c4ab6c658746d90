package io.barrage.simulator.telemetry;

import io.barrage.simulator.Profile;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Whose metric names the simulator's {@code GET /metrics} serves (docs/telemetry.md has the names
 * and the stack versions they come from). A TGI profile serves TGI's by default, a FastAPI profile
 * none (a plain FastAPI app has no {@code /metrics}); {@code barrage simulate --metrics-names}
 * chooses another, so one simulated engine can stand for a vLLM or llama.cpp server's telemetry.
 */
public enum StackMetrics {
  TGI,
  VLLM,
  LLAMACPP,
  NONE;

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static StackMetrics defaultFor(Profile profile) {
    return profile.api() == Profile.Api.TGI ? TGI : NONE;
  }

  public static StackMetrics fromName(String name) {
    for (StackMetrics m : values()) if (m.cliName().equals(name)) return m;
    throw new IllegalArgumentException("unknown metrics names '" + name + "', expected one of " + names());
  }

  public static String names() {
    return Arrays.stream(values()).map(StackMetrics::cliName).collect(Collectors.joining(", "));
  }
}
