package io.barrage.protocol.scenario;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which environment variables a scenario may name in {@code auth.env}, and which hosts each may be
 * sent to: deployment configuration, never scenario content. Read from {@link #ENV} in the form
 * {@code NAME=host1,host2:8443;OTHER=*.example.com}. A host entry without a port matches any port; a
 * leading {@code *.} matches any subdomain. When {@link #ENV} is not set at all (a laptop), any
 * variable may be named but its secret goes only to loopback targets (127.0.0.0/8, ::1, localhost);
 * when it is set (even empty), only what it declares, and only to its hosts.
 */
public final class TargetSecrets {
  public static final String ENV = "BARRAGE_TARGET_SECRETS";

  /** name to allowed host patterns; null: nothing declared (local mode). */
  private final Map<String, List<String>> declared;

  private TargetSecrets(Map<String, List<String>> declared) {
    this.declared = declared;
  }

  /** From the process environment. */
  public static TargetSecrets fromEnvironment() {
    return parse(System.getenv(ENV));
  }

  /** {@code null}: nothing declared. A malformed entry is an error naming it. */
  public static TargetSecrets parse(String spec) {
    if (spec == null) return new TargetSecrets(null);
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (String entry : spec.split("[;\\n]")) {
      String e = entry.strip();
      if (e.isEmpty()) continue;
      int eq = e.indexOf('=');
      if (eq <= 0) throw new IllegalArgumentException(ENV + ": entry '" + e + "' is not NAME=host[,host...]");
      String name = e.substring(0, eq).strip();
      List<String> hosts = java.util.Arrays.stream(e.substring(eq + 1).split(","))
          .map(String::strip).filter(h -> !h.isEmpty()).map(h -> h.toLowerCase(Locale.ROOT)).toList();
      if (hosts.isEmpty()) throw new IllegalArgumentException(ENV + ": secret " + name + " names no allowed host");
      m.merge(name, hosts, (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).toList());
    }
    return new TargetSecrets(m);
  }

  /**
   * Null when the secret in environment variable {@code name} may be sent to {@code host:port};
   * otherwise why not (names the variable and the host, never the value).
   */
  public String refusal(String name, String host, int port) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
    if (declared == null) {
      if (isLoopback(h)) return null;
      return "auth: environment variable " + name + " may not be sent to " + host + ":" + port
          + " (no secrets are declared in " + ENV + ", so secrets go only to loopback targets)";
    }
    List<String> hosts = declared.get(name);
    if (hosts == null) {
      return "auth: environment variable " + name + " is not a declared target secret (" + ENV + ")";
    }
    for (String pattern : hosts) {
      if (HostPattern.matches(pattern, h, port)) return null;
    }
    return "auth: environment variable " + name + " may not be sent to " + host + ":" + port
        + " (allowed hosts: " + String.join(", ", hosts) + ")";
  }

  private static boolean isLoopback(String h) {
    // a literal address only: a name such as 127.0.0.1.example.com resolves wherever its owner likes
    return h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
        || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  }
}
