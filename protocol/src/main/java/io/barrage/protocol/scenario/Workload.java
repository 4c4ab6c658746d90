package io.barrage.protocol.scenario;

import java.util.List;

/** What every target is driven with. Head-to-head: the same prompts, seeds and schedule for all. */
public record Workload(
    PromptSpec prompt,
    List<Integer> maxNewTokens,
    LoadSpec load,
    StepSpec step,
    Timeouts timeouts,
    Long seed,
    SessionSpec session) {

  public Workload(PromptSpec prompt, List<Integer> maxNewTokens, LoadSpec load, StepSpec step, Timeouts timeouts, Long seed) {
    this(prompt, maxNewTokens, load, step, timeouts, seed, null);
  }

  public long seedOrDefault() {
    return seed == null ? 42L : seed;
  }

  public Timeouts timeoutsOrDefaults() {
    return timeouts == null ? Timeouts.DEFAULTS : timeouts.orDefaults();
  }
}
