package io.barrage.protocol.scenario;

import java.time.Duration;

/**
 * Multi-turn sessions (closed loop, {@code openai-chat} targets): each virtual user holds
 * conversations of {@code turns} turns one after the other. Turn k sends the optional shared
 * {@code systemPrompt}, every earlier user message with the assistant's reply to it, and a new user
 * message (from the workload's prompt source; with a ShareGPT dataset, the next human turn of the one
 * conversation the session plays, {@code turns} then being a maximum: {@link ShareGptFile}), then
 * waits a think time before turn k+1: exactly {@code thinkTime}, or uniform in [{@code thinkTime},
 * {@code thinkTimeMax}] when that is set.
 */
public record SessionSpec(Integer turns, Duration thinkTime, Duration thinkTimeMax, String systemPrompt) {

  /** Turns per session the scenario may ask for. */
  public static final int MAX_TURNS = 64;

  public Duration thinkTimeOrZero() {
    return thinkTime == null ? Duration.ZERO : thinkTime;
  }
}
