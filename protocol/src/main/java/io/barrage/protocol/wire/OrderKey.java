package io.barrage.protocol.wire;

import java.security.SecureRandom;

/**
 * A worker's secret for the coordinator it answers (docs/security.md): 128 random bits the worker
 * makes when it starts and sends only in answer to a clock probe whose replies go to the coordinator
 * it joined. Every later message between the two carries it, and each side refuses one that does
 * not: a member that holds the cluster certificate can write any reply-to into a message, but it
 * never sees this key, because the key only travels over mutual TLS to the coordinator's node.
 *
 * <p>{@link #toString()} never shows the bits, so a logged message does not give the key away.
 */
public record OrderKey(long high, long low) {

  private static final SecureRandom RANDOM = new SecureRandom();

  public static OrderKey random() {
    return new OrderKey(RANDOM.nextLong(), RANDOM.nextLong());
  }

  /** Whether {@code other} is this key; null is never. The comparison takes the same time for any key. */
  public boolean matches(OrderKey other) {
    if (other == null) return false;
    return ((high ^ other.high) | (low ^ other.low)) == 0;
  }

  @Override
  public String toString() {
    return "OrderKey[redacted]";
  }
}
