package io.barrage.common.prometheus;

/**
 * Text that breaks the Prometheus text format. The message names the line (1-based) and what is
 * wrong with it, and quotes the start of the line.
 */
public final class PrometheusTextException extends Exception {
  private static final long serialVersionUID = 1L;
  private final int lineNumber;

  PrometheusTextException(int lineNumber, String problem, String line) {
    super("line " + lineNumber + ": " + problem + (line == null ? "" : ": " + quote(line)));
    this.lineNumber = lineNumber;
  }

  /** The 1-based number of the offending line. */
  public int lineNumber() {
    return lineNumber;
  }

  private static String quote(String line) {
    String shown = line.length() > 120 ? line.substring(0, 120) + "…" : line;
    return "'" + shown.replace("\r", "\\r").replace("\t", "\\t") + "'";
  }
}
