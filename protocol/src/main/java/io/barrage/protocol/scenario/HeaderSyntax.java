package io.barrage.protocol.scenario;

/**
 * The HTTP/1.1 rules for header text that comes from a scenario (RFC 9110 §5.1, §5.5): a name is a
 * token, a value is visible ASCII, space and tab. Anything else, a CR or LF above all, would let a
 * scenario end the header line and write headers (or a second request) of its own. The validator
 * checks scenarios with these rules, and the worker checks again where it writes the header line.
 */
public final class HeaderSyntax {
  private HeaderSyntax() {}

  /** A header name: one or more of {@code !#$%&'*+-.^_`|~}, digits and letters. */
  public static boolean isToken(String s) {
    if (s == null || s.isEmpty()) return false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) return false;
    }
    return true;
  }

  /** A header value: visible ASCII, space and horizontal tab only (no CR, LF or other control). */
  public static boolean isFieldValue(String s) {
    if (s == null) return false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c == ' ' || c == '\t' || (c >= 0x21 && c <= 0x7e))) return false;
    }
    return true;
  }

  /**
   * One header line, {@code name: value} and CRLF, for writing onto the wire.
   *
   * @throws IllegalArgumentException if the name is not a token or the value has a character outside
   *     the rules; the message names the header, never the value (it may hold a secret)
   */
  public static String line(String name, String value) {
    if (!isToken(name)) throw new IllegalArgumentException("header name " + printable(name) + " is not a valid HTTP token");
    if (!isFieldValue(value)) {
      throw new IllegalArgumentException("the value of header " + name + " has a character that is not visible ASCII, space or tab (a line break?)");
    }
    return name + ": " + value + "\r\n";
  }

  /** {@code s} quoted, with control characters shown as escapes, for error messages. */
  public static String printable(String s) {
    if (s == null) return "null";
    StringBuilder b = new StringBuilder("'");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\r' -> b.append("\\r");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
        }
      }
    }
    return b.append('\'').toString();
  }
}
