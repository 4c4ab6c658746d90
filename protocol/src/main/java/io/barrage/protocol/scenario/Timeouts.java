package io.barrage.protocol.scenario;

import java.time.Duration;

/** Per-request timeouts; each expiry is its own error class. */
public record Timeouts(Duration firstToken, Duration idle, Duration total) {

  public static final Timeouts DEFAULTS =
      new Timeouts(Duration.ofSeconds(120), Duration.ofSeconds(60), Duration.ofSeconds(600));

  public Timeouts orDefaults() {
    return new Timeouts(
        firstToken == null ? DEFAULTS.firstToken : firstToken,
        idle == null ? DEFAULTS.idle : idle,
        total == null ? DEFAULTS.total : total);
  }
}
