package io.barrage.simulator;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How to start one simulated server.
 *
 * @param host address to bind (loopback for tests)
 * @param port port to bind; 0 picks an ephemeral port
 * @param profile the serving stack to simulate
 * @param truthLogFile where to append ground truth as JSON Lines; null keeps it in memory only
 * @param seed seeds token texts and fault draws
 */
public record SimulatorConfig(String host, int port, Profile profile, Path truthLogFile, long seed) {
  public SimulatorConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(profile, "profile");
    if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535, got " + port);
  }

  /** 127.0.0.1, an ephemeral port, no truth file, seed 1. */
  public static SimulatorConfig loopback(String profileName) {
    return loopback(Profiles.get(profileName));
  }

  /** 127.0.0.1, an ephemeral port, no truth file, seed 1. */
  public static SimulatorConfig loopback(Profile profile) {
    return new SimulatorConfig("127.0.0.1", 0, profile, null, 1);
  }

  public SimulatorConfig withTruthLog(Path file) {
    return new SimulatorConfig(host, port, profile, file, seed);
  }

  public SimulatorConfig withSeed(long s) {
    return new SimulatorConfig(host, port, profile, truthLogFile, s);
  }
}
