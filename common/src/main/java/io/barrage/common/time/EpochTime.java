package io.barrage.common.time;

import java.time.Instant;

/** Wall-clock time in the unit the cluster's clock probes exchange. */
public final class EpochTime {
  private EpochTime() {}

  /** Microseconds since the Unix epoch, from the system clock (the finest unit both ends can stamp). */
  public static long epochMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }
}
