package io.barrage.cli;

import io.barrage.simulator.Profile;
import io.barrage.simulator.Profiles;
import io.barrage.simulator.engine.OfflineCapacity;

/**
 * The two simulated stacks the capacity tests search: a naive server (one request at a time, like a
 * FastAPI wrapper) and a continuous-batching one (like TGI), slowed down from the test profiles so
 * that a request takes tens of milliseconds: loopback and scheduling noise is then small next to the
 * step between two neighbouring concurrencies. Prompts are one token; prefill costs a fixed 1 ms.
 */
final class CapacityProfiles {
  private CapacityProfiles() {}

  static final int NEW_TOKENS = 16;
  static final int INPUT_TOKENS = 1;
  static final int REQUESTS_PER_CLIENT = 4;

  /** 4 ms per token, one request at a time: a request takes ~65 ms, and c users wait ~c × 65 ms. */
  static Profile naive() {
    return Profiles.get(Profiles.FASTAPI_FAST).withTiming(new Profile.Timing(4000, 0, 0, 1000, 0, 100, 0));
  }

  /** Continuous batching, a decode step of 1 ms + 2 ms per sequence: c users see ~16 × (1 + 2c) ms. */
  static Profile batching() {
    return Profiles.get(Profiles.TGI_FAST).withTiming(new Profile.Timing(1000, 2000, 0, 1000, 0, 100, 0));
  }

  static OfflineCapacity.Figures model(Profile p, int concurrency) {
    return OfflineCapacity.measure(p, concurrency, REQUESTS_PER_CLIENT, INPUT_TOKENS, NEW_TOKENS);
  }

  /** An e2e p99 objective halfway between the model's figures at {@code capacity} and {@code capacity + 1} users. */
  static long e2eObjectiveMs(Profile p, int capacity) {
    return Math.round((model(p, capacity).e2eP99Ms() + model(p, capacity + 1).e2eP99Ms()) / 2);
  }
}
