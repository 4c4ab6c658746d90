package io.barrage.simulator.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A parsed HTTP/1.x request line and header section.
 *
 * @param method the request method, as sent
 * @param path the target up to {@code ?}
 * @param names header names, lower-cased, in order
 * @param values header values (trimmed), parallel to {@code names}
 * @param contentLength the body length ({@code 0} when absent)
 * @param chunked whether the body is chunked
 * @param keepAlive whether the connection stays open after the response
 * @param expectContinue whether the client waits for {@code 100 Continue}
 */
record RequestHead(String method, String path, List<String> names, List<String> values, long contentLength,
    boolean chunked, boolean keepAlive, boolean expectContinue) {

  /** The first value of a header (name in any case), or null. */
  String header(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equals(n)) return values.get(i);
    }
    return null;
  }

  /** Parses {@code buf[0, end)}, which ends with the blank line. Throws IllegalArgumentException naming the problem. */
  static RequestHead parse(byte[] buf, int end) {
    String text = new String(buf, 0, end, StandardCharsets.ISO_8859_1);
    String[] lines = text.split("\r?\n");
    int first = 0;
    while (first < lines.length && lines[first].isEmpty()) first++; // tolerate leading blank lines (RFC 9112 §2.2)
    if (first == lines.length) throw new IllegalArgumentException("empty request");
    String[] parts = lines[first].split(" ");
    if (parts.length != 3) throw new IllegalArgumentException("malformed request line");
    String method = parts[0];
    String target = parts[1];
    String version = parts[2];
    if (method.isEmpty() || !method.chars().allMatch(c -> c > 32 && c < 127)) throw new IllegalArgumentException("malformed method");
    if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) throw new IllegalArgumentException("unsupported version " + version);
    if (target.isEmpty()) throw new IllegalArgumentException("empty request target");
    if (target.startsWith("http://") || target.startsWith("https://")) {
      int slash = target.indexOf('/', target.indexOf("//") + 2);
      target = slash < 0 ? "/" : target.substring(slash);
    }
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    List<String> names = new ArrayList<>();
    List<String> values = new ArrayList<>();
    long contentLength = 0;
    boolean sawLength = false;
    boolean chunked = false;
    String connection = null;
    boolean expect = false;
    for (int i = first + 1; i < lines.length; i++) {
      String line = lines[i];
      if (line.isEmpty()) continue;
      int colon = line.indexOf(':');
      if (colon <= 0) throw new IllegalArgumentException("malformed header line");
      String name = line.substring(0, colon);
      if (name.endsWith(" ") || name.endsWith("\t")) throw new IllegalArgumentException("whitespace before ':' in header " + name.trim());
      name = name.toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      names.add(name);
      values.add(value);
      switch (name) {
        case "content-length" -> {
          long v;
          try {
            v = Long.parseLong(value);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad content-length");
          }
          if (v < 0 || (sawLength && v != contentLength)) throw new IllegalArgumentException("bad content-length");
          contentLength = v;
          sawLength = true;
        }
        case "transfer-encoding" -> {
          if (!value.toLowerCase(Locale.ROOT).endsWith("chunked")) throw new IllegalArgumentException("unsupported transfer-encoding");
          chunked = true;
        }
        case "connection" -> connection = value.toLowerCase(Locale.ROOT);
        case "expect" -> expect = value.equalsIgnoreCase("100-continue");
        default -> { }
      }
    }
    if (chunked && sawLength) throw new IllegalArgumentException("both content-length and transfer-encoding");
    boolean http11 = version.equals("HTTP/1.1");
    boolean keepAlive = http11 ? (connection == null || !connection.contains("close"))
        : (connection != null && connection.contains("keep-alive"));
    return new RequestHead(method, path, List.copyOf(names), List.copyOf(values), contentLength, chunked, keepAlive,
        expect && http11);
  }
}
