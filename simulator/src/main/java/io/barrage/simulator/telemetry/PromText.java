package io.barrage.simulator.telemetry;

import java.util.Locale;

/** Writes Prometheus text format (0.0.4): HELP and TYPE lines, samples, histograms from a {@link SimHistogram}. */
public final class PromText {
  private final StringBuilder b = new StringBuilder(8192);

  /** HELP (when not null) and TYPE lines of a metric. */
  public PromText family(String name, String type, String help) {
    if (help != null) b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    return this;
  }

  /** One sample; {@code labels} is the text inside the braces ({@code a="1",b="2"}) or empty. */
  public PromText sample(String name, String labels, double value) {
    b.append(name);
    if (!labels.isEmpty()) b.append('{').append(labels).append('}');
    b.append(' ').append(num(value)).append('\n');
    return this;
  }

  /**
   * A histogram's buckets, sum and count. {@code bounds} are the {@code le} values in the unit the
   * metric is exposed in; {@code recordedPerExposed} converts them to the unit {@code h} recorded
   * (1e6 for seconds exposed from microseconds, 1 for counts).
   */
  public PromText histogram(String name, String labels, SimHistogram h, double[] bounds, double recordedPerExposed) {
    double[] inRecorded = new double[bounds.length];
    for (int i = 0; i < bounds.length; i++) inRecorded[i] = bounds[i] * recordedPerExposed;
    SimHistogram.Snapshot s = h.snapshot(inRecorded);
    String sep = labels.isEmpty() ? "" : labels + ",";
    for (int i = 0; i < bounds.length; i++) {
      b.append(name).append("_bucket{").append(sep).append("le=\"").append(num(bounds[i])).append("\"} ").append(s.cumulative()[i]).append('\n');
    }
    b.append(name).append("_bucket{").append(sep).append("le=\"+Inf\"} ").append(s.count()).append('\n');
    sample(name + "_sum", labels, s.sum() / recordedPerExposed);
    sample(name + "_count", labels, s.count());
    return this;
  }

  public String text() {
    return b.toString();
  }

  /** Integers without a fraction, other values with up to 9 significant digits. */
  public static String num(double v) {
    if (Double.isNaN(v)) return "NaN";
    if (Double.isInfinite(v)) return v > 0 ? "+Inf" : "-Inf";
    if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
    return String.format(Locale.ROOT, "%.9g", v).replaceAll("0+$", "").replaceAll("\\.$", "").replaceAll("0+e", "e");
  }

  /** Escapes a label value. */
  public static String label(String v) {
    return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
