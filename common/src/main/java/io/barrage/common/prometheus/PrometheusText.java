package io.barrage.common.prometheus;

import java.math.BigDecimal;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes the Prometheus text exposition format (version 0.0.4, {@value #CONTENT_TYPE}): one family
 * at a time, its {@code # HELP} and {@code # TYPE} lines first and all its samples together, as the
 * format requires. Names are checked against the format's grammar and label values escaped, so a
 * target or cell name can never break a line. Not thread-safe: one writer per scrape.
 *
 * <pre>{@code
 * PrometheusText t = new PrometheusText();
 * t.family("barrage_requests_ok_total", PrometheusText.Type.COUNTER, "Requests that succeeded.")
 *     .sample(42, "target", "tgi", "cell", "tgi/m128/c5");
 * t.family("barrage_ttft_seconds", PrometheusText.Type.HISTOGRAM, "Time to first token.")
 *     .histogram(buckets.snapshot(), "target", "tgi");
 * String body = t.text();
 * }</pre>
 */
public final class PrometheusText {

  /** The {@code Content-Type} of this format. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** A family's type, as written on its {@code # TYPE} line. */
  public enum Type {
    COUNTER,
    GAUGE,
    HISTOGRAM;

    String text() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private final StringBuilder b = new StringBuilder(8192);
  private final Set<String> families = new HashSet<>();
  private String name;
  private Type type;

  /** Starts a family; every sample written until the next call belongs to it. A name may appear once. */
  public PrometheusText family(String name, Type type, String help) {
    if (!METRIC_NAME.matcher(name).matches()) throw new IllegalArgumentException("not a Prometheus metric name: '" + name + "'");
    if (!families.add(name)) throw new IllegalArgumentException("metric family " + name + " written twice");
    this.name = name;
    this.type = type;
    b.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
    b.append("# TYPE ").append(name).append(' ').append(type.text()).append('\n');
    return this;
  }

  /** One sample of the current counter or gauge; {@code labels} alternate name and value. */
  public PrometheusText sample(double value, String... labels) {
    if (type == null || type == Type.HISTOGRAM) throw new IllegalStateException("sample() needs a counter or gauge family, not " + type);
    if (type == Type.COUNTER && !(value >= 0)) throw new IllegalArgumentException(name + ": a counter is never negative or NaN: " + value);
    line(name, labels, null, value);
    return this;
  }

  /** One histogram of the current histogram family in barrage's {@link LatencyBuckets}. */
  public PrometheusText histogram(LatencyBuckets.Snapshot h, String... labels) {
    return histogram(LatencyBuckets.BOUNDS_SECONDS, h.counts(), h.sumSeconds(), labels);
  }

  /**
   * One histogram of the current histogram family with bounds of its own (e.g. a serving stack's):
   * its cumulative {@code _bucket} lines ending in {@code +Inf}, {@code _sum} and {@code _count}.
   *
   * @param bounds upper bounds, ascending
   * @param perBucket samples per bucket, not cumulative: {@code bounds.length + 1} of them, the last above every bound
   */
  public PrometheusText histogram(double[] bounds, long[] perBucket, double sum, String... labels) {
    if (type != Type.HISTOGRAM) throw new IllegalStateException("histogram() needs a histogram family, not " + type);
    if (perBucket.length != bounds.length + 1) throw new IllegalArgumentException(name + ": " + bounds.length + " bounds need "
        + (bounds.length + 1) + " bucket counts, got " + perBucket.length);
    for (int i = 1; i < bounds.length; i++) {
      if (!(bounds[i] > bounds[i - 1])) throw new IllegalArgumentException(name + ": bucket bounds must ascend");
    }
    long cumulative = 0;
    for (int i = 0; i < bounds.length; i++) {
      cumulative += perBucket[i];
      line(name + "_bucket", labels, le(bounds[i]), cumulative);
    }
    cumulative += perBucket[bounds.length];
    line(name + "_bucket", labels, "+Inf", cumulative);
    line(name + "_sum", labels, null, sum);
    line(name + "_count", labels, null, cumulative);
    return this;
  }

  /** The text written so far. */
  public String text() {
    return b.toString();
  }

  private void line(String sampleName, String[] labels, String le, double value) {
    if (labels.length % 2 != 0) throw new IllegalArgumentException(name + ": labels come in name/value pairs");
    b.append(sampleName);
    if (labels.length > 0 || le != null) {
      b.append('{');
      for (int i = 0; i < labels.length; i += 2) {
        String l = labels[i];
        if (!LABEL_NAME.matcher(l).matches() || l.startsWith("__") || l.equals("le")) {
          throw new IllegalArgumentException(name + ": not a usable label name: '" + l + "'");
        }
        if (labels[i + 1] == null) throw new IllegalArgumentException(name + ": label " + l + " has no value");
        if (i > 0) b.append(',');
        b.append(l).append("=\"");
        escape(labels[i + 1]);
        b.append('"');
      }
      if (le != null) b.append(labels.length > 0 ? "," : "").append("le=\"").append(le).append('"');
      b.append('}');
    }
    b.append(' ').append(number(value)).append('\n');
  }

  private void escape(String v) {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      switch (c) {
        case '\\' -> b.append("\\\\");
        case '"' -> b.append("\\\"");
        case '\n' -> b.append("\\n");
        default -> b.append(c);
      }
    }
  }

  /** A sample value: whole numbers without a fraction, others in Java's shortest round-trip form. */
  static String number(double v) {
    if (Double.isNaN(v)) return "NaN";
    if (Double.isInfinite(v)) return v > 0 ? "+Inf" : "-Inf";
    if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
    return Double.toString(v);
  }

  /** A bucket bound as plain decimal text ({@code 0.00016}, {@code 2.5}, {@code 1000}). */
  static String le(double bound) {
    return BigDecimal.valueOf(bound).stripTrailingZeros().toPlainString();
  }
}
