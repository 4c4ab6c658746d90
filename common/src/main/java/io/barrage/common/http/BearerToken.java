package io.barrage.common.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The one check of an {@code Authorization: Bearer} header, for the coordinator's API and every {@code /metrics}. */
public final class BearerToken {
  private BearerToken() {}

  /**
   * The environment variable of the read-only metrics token: {@code GET /metrics} of the coordinator
   * and of every worker accepts it (docs/adr/0341).
   */
  public static final String METRICS_TOKEN_ENV = "BARRAGE_METRICS_TOKEN";

  /** The metrics token from the environment, or null when unset or blank. */
  public static String metricsTokenFromEnvironment() {
    String t = System.getenv(METRICS_TOKEN_ENV);
    return t == null || t.isBlank() ? null : t.strip();
  }

  /** Constant-time check of an {@code Authorization} header value against {@code expected} (false when either is missing). */
  public static boolean matches(String expected, String authorizationHeader) {
    if (expected == null || expected.isEmpty() || authorizationHeader == null) return false;
    String h = authorizationHeader.strip();
    if (h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) return false;
    byte[] given = h.substring(7).strip().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given);
  }
}
