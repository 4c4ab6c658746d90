package io.barrage.protocol.scenario;

import java.util.Locale;

/**
 * A host pattern as used by {@code BARRAGE_TARGET_SECRETS} and {@code --allow-targets}: {@code host},
 * {@code host:port}, {@code *.domain} (any subdomain), or {@code *} (any host); IPv6 in brackets when a
 * port follows ({@code [::1]:8000}). Without a port any port matches. Hosts compare case-insensitively
 * and literally: no name resolution.
 */
public final class HostPattern {
  private HostPattern() {}

  public static boolean matches(String pattern, String host, int port) {
    String p = pattern.strip().toLowerCase(Locale.ROOT);
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
    String hostPart = p;
    Integer portPart = null;
    if (p.startsWith("[")) {
      int close = p.indexOf(']');
      if (close < 0) return false;
      hostPart = p.substring(1, close);
      if (p.length() > close + 1) {
        if (p.charAt(close + 1) != ':') return false;
        portPart = parsePort(p.substring(close + 2));
        if (portPart == null) return false;
      }
    } else if (p.chars().filter(c -> c == ':').count() == 1) {
      int colon = p.indexOf(':');
      hostPart = p.substring(0, colon);
      portPart = parsePort(p.substring(colon + 1));
      if (portPart == null) return false;
    }
    if (portPart != null && portPart != port) return false;
    if (hostPart.equals("*")) return true;
    if (hostPart.startsWith("*.")) return h.endsWith(hostPart.substring(1)) && h.length() > hostPart.length() - 1;
    return hostPart.equals(h);
  }

  /** A pattern that is not well formed: why, else null. */
  public static String problem(String pattern) {
    String p = pattern == null ? "" : pattern.strip();
    if (p.isEmpty()) return "empty pattern";
    if (p.startsWith("[") && p.indexOf(']') < 0) return "'" + p + "' has no closing ]";
    if (!p.startsWith("[") && p.chars().filter(c -> c == ':').count() == 1 && parsePort(p.substring(p.indexOf(':') + 1)) == null) {
      return "'" + p + "' has a port that is not a number 1-65535";
    }
    return null;
  }

  private static Integer parsePort(String s) {
    try {
      int v = Integer.parseInt(s);
      return v >= 1 && v <= 65535 ? v : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
