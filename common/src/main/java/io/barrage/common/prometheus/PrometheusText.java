package io.barrage.common.prometheus;

import java.math.BigDecimal;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes the Prometheus text exposition format (version 0.0.4, {@value #CONTENT_TYPE}): one family
 * at a time, its {@code # HELP} and {@code # TYPE} lines first and all its samples together, as the
 * format requires. Names are checked against the format's grammar and label values escaped, so a
 * target or cell name can never break a line. It is the project's one writer of the format: barrage's
 * own {@code /metrics} and the simulator's imitations of TGI, vLLM, llama.cpp and DCGM (whose real
 * output leaves some families without {@code # HELP}) all use it. Not thread-safe: one writer per scrape.
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
    HISTOGRAM,
    SUMMARY;

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

  /**
   * Starts a family; every sample written until the next call belongs to it. A name may appear once.
   *
   * @param help the {@code # HELP} text, or null for a family without one (as TGI writes its families)
   */
  public PrometheusText family(String name, Type type, String help) {
    if (!METRIC_NAME.matcher(name).matches()) throw new IllegalArgumentException("not a Prometheus metric name: '" + name + "'");
    if (!families.add(name)) throw new IllegalArgumentException("metric family " + name + " written twice");
    this.name = name;
    this.type = type;
    if (help != null) b.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
    b.append("# TYPE ").append(name).append(' ').append(type.text()).append('\n');
    return this;
  }

  /** One sample of the current counter or gauge; {@code labels} alternate name and value. */
  public PrometheusText sample(double value, String... labels) {
    if (type != Type.COUNTER && type != Type.GAUGE) throw new IllegalStateException("sample() needs a counter or gauge family, not " + type);
    if (type == Type.COUNTER && !(value >= 0)) throw new IllegalArgumentException(name + ": a counter is never negative or NaN: " + value);
    line(name, labels, null, null, value);
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
      line(name + "_bucket", labels, "le", le(bounds[i]), cumulative);
    }
    cumulative += perBucket[bounds.length];
    line(name + "_bucket", labels, "le", "+Inf", cumulative);
    line(name + "_sum", labels, null, null, sum);
    line(name + "_count", labels, null, null, cumulative);
    return this;
  }

  /**
   * One summary of the current summary family: a line per quantile ({@code quantile} label in Java's
   * shortest decimal form: {@code 0.5}, {@code 0.99}, {@code 1.0}), then {@code _sum} and {@code _count}.
   *
   * @param quantiles ascending, each in [0, 1]
   * @param values the value at each quantile
   */
  public PrometheusText summary(double[] quantiles, double[] values, double sum, long count, String... labels) {
    if (type != Type.SUMMARY) throw new IllegalStateException("summary() needs a summary family, not " + type);
    if (values.length != quantiles.length) throw new IllegalArgumentException(name + ": " + quantiles.length + " quantiles need "
        + quantiles.length + " values, got " + values.length);
    for (int i = 0; i < quantiles.length; i++) {
      if (!(quantiles[i] >= 0 && quantiles[i] <= 1)) throw new IllegalArgumentException(name + ": a quantile lies in [0, 1]: " + quantiles[i]);
      if (i > 0 && !(quantiles[i] > quantiles[i - 1])) throw new IllegalArgumentException(name + ": quantiles must ascend");
    }
    if (count < 0) throw new IllegalArgumentException(name + ": a count is never negative: " + count);
    for (int i = 0; i < quantiles.length; i++) line(name, labels, "quantile", Double.toString(quantiles[i]), values[i]);
    line(name + "_sum", labels, null, null, sum);
    line(name + "_count", labels, null, null, count);
    return this;
  }

  /** The text written so far. */
  public String text() {
    return b.toString();
  }

  /** A sample line; {@code extra} (le or quantile, with its {@code extraValue}) comes last when not null. */
  private void line(String sampleName, String[] labels, String extra, String extraValue, double value) {
    if (labels.length % 2 != 0) throw new IllegalArgumentException(name + ": labels come in name/value pairs");
    b.append(sampleName);
    if (labels.length > 0 || extra != null) {
      b.append('{');
      for (int i = 0; i < labels.length; i += 2) {
        String l = labels[i];
        if (!LABEL_NAME.matcher(l).matches() || l.startsWith("__") || l.equals("le") || l.equals("quantile")) {
          throw new IllegalArgumentException(name + ": not a usable label name: '" + l + "'");
        }
        if (labels[i + 1] == null) throw new IllegalArgumentException(name + ": label " + l + " has no value");
        if (i > 0) b.append(',');
        b.append(l).append("=\"");
        escape(labels[i + 1]);
        b.append('"');
      }
      if (extra != null) b.append(labels.length > 0 ? "," : "").append(extra).append("=\"").append(extraValue).append('"');
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
