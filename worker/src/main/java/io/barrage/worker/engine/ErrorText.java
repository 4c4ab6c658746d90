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
  private static final Pattern CREDENTIAL = Pattern.compile(
      "(?i)\\b(bearer|basic|api[-_]?key|authorization|access[-_]?token|token|password|secret)(\\s*[:=]\\s*\"?|\\s+)[^\\s,;\"'}]+");
  private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}\\s]+");

  private ErrorText() {}

  static String clean(String text, UnaryOperator<String> redact) {
    if (text == null || text.isBlank()) return null;
    String s = redact.apply(text);
    s = CREDENTIAL.matcher(s).replaceAll("$1$2***");
    s = CONTROL.matcher(s).replaceAll(" ").strip();
    return s.length() <= MAX ? s : s.substring(0, MAX - 1) + "…";
  }
}
