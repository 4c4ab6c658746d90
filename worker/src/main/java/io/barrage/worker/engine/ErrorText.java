package io.barrage.worker.engine;

import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Makes a request's error detail fit for summary.json and the report: the target's own credential
 * removed (by the caller's redactor), anything that looks like a credential after a telling word
 * ({@code Bearer}, {@code api_key=}, {@code Authorization:} ...) masked, control characters turned
 * into spaces, and the whole cut to {@link #MAX} characters.
 */
final class ErrorText {
  static final int MAX = 200;
  private static final Pattern AUTH_HEADER = Pattern.compile(
      "(?i)\\b((?:proxy-)?authorization|x-api-key)(\\s*[:=]\\s*\"?)(?:(?:bearer|basic|token)\\s+)?[^\\s,;\"'}]+");
  private static final Pattern SCHEME = Pattern.compile("(?i)\\b(bearer|basic)(\\s+)[A-Za-z0-9._~+/=-]{6,}");
  private static final Pattern KEY_VALUE = Pattern.compile(
      "(?i)\\b(api[-_]?key|access[-_]?token|token|password|secret)(\\s*[:=]\\s*\"?)[^\\s,;\"'}*]+");
  private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}\\s]+");

  private ErrorText() {}

  static String clean(String text, UnaryOperator<String> redact) {
    if (text == null || text.isBlank()) return null;
    String s = redact.apply(text);
    s = AUTH_HEADER.matcher(s).replaceAll("$1$2***");
    s = SCHEME.matcher(s).replaceAll("$1$2***");
    s = KEY_VALUE.matcher(s).replaceAll("$1$2***");
    s = CONTROL.matcher(s).replaceAll(" ").strip();
    return s.length() <= MAX ? s : s.substring(0, MAX - 1) + "…";
  }
}
