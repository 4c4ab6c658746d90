package io.barrage.simulator.http;

import io.barrage.simulator.Profile;
import io.barrage.simulator.engine.GenRequest.RequestFaults;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * Decides each request's injected faults: from the profile's rates (seeded, in arrival order) or,
 * for a test that wants one exact fault, from the request header {@code X-Barrage-Fault}, e.g.
 * {@code error}, {@code error-after=5}, {@code stall-after=3,stall-ms=200}, {@code disconnect-after=4},
 * {@code slow-headers-ms=300}.
 */
final class RequestFaultPlan {
  static final String HEADER = "X-Barrage-Fault";

  /** A request's faults and its response-header delay. */
  record Decision(RequestFaults faults, Duration slowHeaders) {}

  private final Profile profile;
  private final SplittableRandom rnd;

  RequestFaultPlan(Profile profile, long seed) {
    this.profile = profile;
    this.rnd = new SplittableRandom(seed ^ 0x5DEECE66DL);
  }

  synchronized Decision decide(String header) {
    if (header != null && !header.isBlank()) return parse(header);
    Profile.Faults f = profile.faults();
    if (!f.any()) return new Decision(RequestFaults.NONE, Duration.ZERO);
    int at = Math.max(1, f.faultAfterTokens());
    boolean fail = rnd.nextDouble() < f.errorRate();
    int errorAfter = rnd.nextDouble() < f.midStreamErrorRate() ? at : 0;
    int stallAfter = rnd.nextDouble() < f.stallRate() ? at : 0;
    int disconnectAfter = rnd.nextDouble() < f.disconnectRate() ? at : 0;
    return new Decision(
        new RequestFaults(fail, errorAfter, stallAfter, profile.scaledNanos(f.stall().toNanos() / 1000.0), disconnectAfter),
        f.slowHeaders());
  }

  static Decision parse(String header) {
    boolean fail = false;
    int errorAfter = 0, stallAfter = 0, disconnectAfter = 0;
    long stallMs = 1000, slowMs = 0;
    for (String part : header.split(",")) {
      String[] kv = part.trim().split("=", 2);
      String k = kv[0].trim();
      long v;
      try {
        v = kv.length > 1 ? Long.parseLong(kv[1].trim()) : 0;
      } catch (NumberFormatException e) {
        throw new Rejection.Failure(Rejection.plain(400, HEADER + ": not a number in '" + part.trim() + "'"));
      }
      switch (k) {
        case "error" -> fail = true;
        case "error-after" -> errorAfter = (int) v;
        case "stall-after" -> stallAfter = (int) v;
        case "stall-ms" -> stallMs = v;
        case "disconnect-after" -> disconnectAfter = (int) v;
        case "slow-headers-ms" -> slowMs = v;
        default -> throw new Rejection.Failure(Rejection.plain(400, HEADER + ": unknown fault '" + k
            + "' (known: error, error-after, stall-after, stall-ms, disconnect-after, slow-headers-ms)"));
      }
    }
    return new Decision(new RequestFaults(fail, errorAfter, stallAfter, stallMs * 1_000_000L, disconnectAfter),
        Duration.ofMillis(slowMs));
  }
}
