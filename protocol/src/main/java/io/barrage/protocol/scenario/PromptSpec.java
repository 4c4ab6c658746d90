package io.barrage.protocol.scenario;

/** Exactly one of {@code text}, {@code dataset} (JSONL path) or {@code synthetic}. */
public record PromptSpec(String text, String dataset, Synthetic synthetic) {

  /** Synthetic prompts with a target input length distribution (normal, truncated at 1). */
  public record Synthetic(TokenDistribution inputTokens) {}

  public record TokenDistribution(Integer mean, Integer stddev, Integer min, Integer max) {}
}
