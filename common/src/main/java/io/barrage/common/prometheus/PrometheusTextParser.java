package io.barrage.common.prometheus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format, version 0.0.4 (docs/telemetry.md
 * describes the rules it enforces). Every rule the format states as a "must" is checked, and the
 * first broken one is reported as a {@link PrometheusTextException} naming the line:
 *
 * <ul>
 *   <li>lines end with {@code \n} (also the last one: text without it was cut short); no {@code \r};
 *   <li>metric names {@code [a-zA-Z_:][a-zA-Z0-9_:]*}, label names {@code [a-zA-Z_][a-zA-Z0-9_]*},
 *       each label at most once per sample, label values quoted with only {@code \\}, {@code \"} and
 *       {@code \n} as escapes ({@code \\} and {@code \n} in HELP text);
 *   <li>values are decimal floats, {@code NaN}, {@code +Inf} or {@code -Inf}; timestamps are
 *       64-bit integers (milliseconds);
 *   <li>at most one HELP and one TYPE line per metric, both before its samples; the lines of a
 *       metric form one group; no sample (name and label set) appears twice;
 *   <li>histogram buckets carry a numeric {@code le} in increasing order and end with
 *       {@code le="+Inf"}, equal to {@code _count}; summary quantiles carry a numeric
 *       {@code quantile} in increasing order; {@code _sum}/{@code _count} carry neither.
 * </ul>
 *
 * Comment lines other than HELP and TYPE and blank lines are skipped. The parser is linear in the
 * length of the text and keeps no state between calls; bounding the size of what is read is the
 * caller's job.
 */
public final class PrometheusTextParser {
  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?");
  private static final Pattern INTEGER = Pattern.compile("-?[0-9]+");

  private final List<MetricFamily> done = new ArrayList<>();
  private final Map<String, Family> byName = new HashMap<>();
  private Family current;
  private int lineNo;
  private String line;

  private PrometheusTextParser() {}

  /**
   * Parses a whole exposition.
   *
   * @throws PrometheusTextException naming the first line that breaks the format
   */
  public static Exposition parse(CharSequence text) throws PrometheusTextException {
    return new PrometheusTextParser().run(text.toString());
  }

  private Exposition run(String text) throws PrometheusTextException {
    int start = 0;
    lineNo = 0;
    while (start < text.length()) {
      int end = text.indexOf('\n', start);
      lineNo++;
      if (end < 0) {
        line = text.substring(start);
        throw error("the text does not end with a line feed (cut short?)");
      }
      line = text.substring(start, end);
      parseLine();
      start = end + 1;
    }
    finish(current);
    return new Exposition(done);
  }

  private void parseLine() throws PrometheusTextException {
    if (line.indexOf('\r') >= 0) throw error("carriage return in a line (lines end with \\n alone)");
    int p = skipBlanks(0);
    if (p == line.length()) return;
    if (line.charAt(p) == '#') {
      comment(p + 1);
    } else {
      sample(p);
    }
  }

  // ---- HELP, TYPE and other comments

  private void comment(int p) throws PrometheusTextException {
    p = skipBlanks(p);
    int tokenEnd = tokenEnd(p);
    String keyword = line.substring(p, tokenEnd);
    if (!keyword.equals("HELP") && !keyword.equals("TYPE")) return;
    p = skipBlanks(tokenEnd);
    int nameEnd = metricNameEnd(p);
    if (nameEnd == p) throw error("expected a metric name after # " + keyword);
    if (nameEnd < line.length() && !isBlank(line.charAt(nameEnd))) {
      throw error("invalid character '" + line.charAt(nameEnd) + "' in the metric name after # " + keyword);
    }
    String name = line.substring(p, nameEnd);
    Family f = familyForMetadata(name, keyword);
    p = skipBlanks(nameEnd);
    if (keyword.equals("HELP")) {
      if (f.help != null) throw error("second HELP line for " + name);
      f.help = unescapeHelp(p);
    } else {
      if (f.typed) throw error("second TYPE line for " + name);
      int typeEnd = tokenEnd(p);
      String typeText = line.substring(p, typeEnd);
      if (typeText.isEmpty()) throw error("TYPE line for " + name + " names no type");
      if (skipBlanks(typeEnd) != line.length()) throw error("unexpected text after the type of " + name);
      f.type =
          MetricType.ofText(typeText)
              .orElseThrow(
                  () ->
                      error(
                          "unknown type '" + typeText + "' for " + name
                              + " (counter, gauge, histogram, summary or untyped)"));
      f.typed = true;
    }
  }

  private Family familyForMetadata(String name, String keyword) throws PrometheusTextException {
    Family f = byName.get(name);
    if (f == null) {
      return open(name);
    }
    if (f != current) throw notGrouped(name, f);
    if (!f.samples.isEmpty()) throw error(keyword + " line for " + name + " after its samples");
    return f;
  }

  private String unescapeHelp(int p) throws PrometheusTextException {
    StringBuilder b = new StringBuilder(line.length() - p);
    for (int i = p; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c != '\\') {
        b.append(c);
        continue;
      }
      if (++i == line.length()) throw error("HELP text ends with a lone backslash");
      char e = line.charAt(i);
      switch (e) {
        case '\\' -> b.append('\\');
        case 'n' -> b.append('\n');
        default -> throw error("invalid escape '\\" + e + "' in HELP text (only \\\\ and \\n)");
      }
    }
    return b.toString();
  }

  // ---- samples

  private void sample(int p) throws PrometheusTextException {
    int nameEnd = metricNameEnd(p);
    if (nameEnd == p) throw error("expected a metric name, a comment or a blank line");
    String name = line.substring(p, nameEnd);
    p = skipBlanks(nameEnd);
    Map<String, String> labels = new LinkedHashMap<>();
    if (p < line.length() && line.charAt(p) == '{') {
      p = labels(p + 1, name, labels);
      p = skipBlanks(p);
    } else if (p == nameEnd && p < line.length()) {
      throw error("invalid character '" + line.charAt(p) + "' in metric name " + name);
    }
    if (p == line.length()) throw error("sample " + name + " has no value");
    int valueEnd = tokenEnd(p);
    String valueText = line.substring(p, valueEnd);
    double value =
        parseFloat(valueText)
            .orElseThrow(() -> error("value '" + valueText + "' of " + name + " is not a number"));
    p = skipBlanks(valueEnd);
    OptionalLong timestamp = OptionalLong.empty();
    if (p < line.length()) {
      int tsEnd = tokenEnd(p);
      String tsText = line.substring(p, tsEnd);
      timestamp = OptionalLong.of(parseTimestamp(tsText, name));
      if (skipBlanks(tsEnd) != line.length()) throw error("unexpected text after the timestamp of " + name);
    }
    Sample s = new Sample(name, labels, value, timestamp);
    Family f = familyForSample(name);
    f.add(s, this);
  }

  private int labels(int p, String metric, Map<String, String> out) throws PrometheusTextException {
    while (true) {
      p = skipBlanks(p);
      if (p == line.length()) throw error("labels of " + metric + " are not closed with '}'");
      if (line.charAt(p) == '}') return p + 1;
      int nameEnd = labelNameEnd(p);
      if (nameEnd == p) throw error("expected a label name in the labels of " + metric);
      String labelName = line.substring(p, nameEnd);
      p = skipBlanks(nameEnd);
      if (p == line.length() || line.charAt(p) != '=') {
        throw error("expected '=' after label name " + labelName + " of " + metric);
      }
      p = skipBlanks(p + 1);
      if (p == line.length() || line.charAt(p) != '"') {
        throw error("expected a quoted value for label " + labelName + " of " + metric);
      }
      StringBuilder v = new StringBuilder();
      p++;
      while (true) {
        if (p == line.length()) throw error("value of label " + labelName + " of " + metric + " has no closing quote");
        char c = line.charAt(p++);
        if (c == '"') break;
        if (c != '\\') {
          v.append(c);
          continue;
        }
        if (p == line.length()) throw error("value of label " + labelName + " of " + metric + " has no closing quote");
        char e = line.charAt(p++);
        switch (e) {
          case '\\' -> v.append('\\');
          case '"' -> v.append('"');
          case 'n' -> v.append('\n');
          default -> throw error(
              "invalid escape '\\" + e + "' in the value of label " + labelName + " (only \\\\, \\\" and \\n)");
        }
      }
      if (out.put(labelName, v.toString()) != null) {
        throw error("label " + labelName + " appears twice on " + metric);
      }
      p = skipBlanks(p);
      if (p == line.length()) throw error("labels of " + metric + " are not closed with '}'");
      char c = line.charAt(p);
      if (c == ',') {
        p++;
      } else if (c != '}') {
        throw error("expected ',' or '}' after the value of label " + labelName + " of " + metric);
      }
    }
  }

  private Family familyForSample(String name) throws PrometheusTextException {
    if (current != null && current.accepts(name)) return current;
    Family owner = owner(name);
    if (owner != null) throw notGrouped(owner.name, owner);
    Family same = byName.get(name);
    if (same != null) {
      throw error(
          "sample " + name + " does not fit " + same.type.text() + " " + name + " (its samples are "
              + String.join(", ", same.sampleNames()) + ")");
    }
    return open(name);
  }

  private Family owner(String sampleName) {
    Family f = byName.get(sampleName);
    if (f != null && f.accepts(sampleName)) return f;
    for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
      if (sampleName.endsWith(suffix)) {
        Family base = byName.get(sampleName.substring(0, sampleName.length() - suffix.length()));
        if (base != null && base.accepts(sampleName)) return base;
      }
    }
    return null;
  }

  private Family open(String name) throws PrometheusTextException {
    finish(current);
    Family f = new Family(name, lineNo);
    byName.put(name, f);
    current = f;
    return f;
  }

  private void finish(Family f) throws PrometheusTextException {
    if (f == null) return;
    f.check(this);
    done.add(new MetricFamily(f.name, f.type, Optional.ofNullable(f.help), f.samples));
  }

  private PrometheusTextException notGrouped(String name, Family f) {
    return error("the lines of metric " + name + " must form one group; it began on line " + f.firstLine);
  }

  // ---- tokens

  private long parseTimestamp(String text, String metric) throws PrometheusTextException {
    if (!INTEGER.matcher(text).matches()) {
      throw error("timestamp '" + text + "' of " + metric + " is not an integer (milliseconds)");
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw error("timestamp '" + text + "' of " + metric + " does not fit 64 bits");
    }
  }

  /** A value as the format allows it: a decimal float, NaN or an infinity (Go's spellings). */
  static Optional<Double> parseFloat(String text) {
    String lower = text.toLowerCase(java.util.Locale.ROOT);
    switch (lower) {
      case "nan":
        return Optional.of(Double.NaN);
      case "+inf", "inf", "+infinity", "infinity":
        return Optional.of(Double.POSITIVE_INFINITY);
      case "-inf", "-infinity":
        return Optional.of(Double.NEGATIVE_INFINITY);
      default:
        if (!DECIMAL.matcher(text).matches()) return Optional.empty();
        return Optional.of(Double.parseDouble(text));
    }
  }

  private int skipBlanks(int p) {
    while (p < line.length() && isBlank(line.charAt(p))) p++;
    return p;
  }

  private int tokenEnd(int p) {
    while (p < line.length() && !isBlank(line.charAt(p))) p++;
    return p;
  }

  private int metricNameEnd(int p) {
    int i = p;
    while (i < line.length()) {
      char c = line.charAt(i);
      boolean ok = c == '_' || c == ':' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > p && c >= '0' && c <= '9');
      if (!ok) break;
      i++;
    }
    return i;
  }

  private int labelNameEnd(int p) {
    int i = p;
    while (i < line.length()) {
      char c = line.charAt(i);
      boolean ok = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > p && c >= '0' && c <= '9');
      if (!ok) break;
      i++;
    }
    return i;
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t';
  }

  PrometheusTextException error(String problem) {
    return new PrometheusTextException(lineNo, problem, line);
  }

  PrometheusTextException errorAt(int lineNumber, String lineText, String problem) {
    return new PrometheusTextException(lineNumber, problem, lineText);
  }

  // ---- one metric's lines while they are read

  private static final class Family {
    final String name;
    final int firstLine;
    MetricType type = MetricType.UNTYPED;
    boolean typed;
    String help;
    final List<Sample> samples = new ArrayList<>();
    final Set<List<String>> seen = new HashSet<>();
    final Map<Map<String, String>, Series> series = new LinkedHashMap<>();

    Family(String name, int firstLine) {
      this.name = name;
      this.firstLine = firstLine;
    }

    List<String> sampleNames() {
      return switch (type) {
        case HISTOGRAM -> List.of(name + "_bucket", name + "_sum", name + "_count");
        case SUMMARY -> List.of(name, name + "_sum", name + "_count");
        default -> List.of(name);
      };
    }

    boolean accepts(String sampleName) {
      return sampleNames().contains(sampleName);
    }

    void add(Sample s, PrometheusTextParser p) throws PrometheusTextException {
      List<String> key = new ArrayList<>();
      key.add(s.name());
      new TreeMap<>(s.labels()).forEach((k, v) -> {
        key.add(k);
        key.add(v);
      });
      if (!seen.add(key)) throw p.error("duplicate sample " + s.name() + " with the same labels");
      if (type == MetricType.HISTOGRAM) histogram(s, p);
      if (type == MetricType.SUMMARY) summary(s, p);
      samples.add(s);
    }

    private void histogram(Sample s, PrometheusTextParser p) throws PrometheusTextException {
      boolean bucket = s.name().equals(name + "_bucket");
      String le = s.label("le");
      if (!bucket) {
        if (le != null) throw p.error(s.name() + " must not carry an le label");
        Series st = series(s.labels(), "le", p);
        if (s.name().endsWith("_count")) {
          st.count = s.value();
          st.countLine = p.lineNo;
          st.countText = p.line;
        }
        return;
      }
      if (le == null) throw p.error("histogram bucket " + s.name() + " has no le label");
      double bound =
          parseFloat(le).filter(d -> !d.isNaN())
              .orElseThrow(() -> p.error("le=\"" + le + "\" of " + s.name() + " is not a number"));
      Series st = series(s.labels(), "le", p);
      if (st.lastBound != null && bound <= st.lastBound) {
        throw p.error("bucket le=\"" + le + "\" of " + name + " is not above the one before it (buckets go in increasing order)");
      }
      st.lastBound = bound;
      st.lastBucketLine = p.lineNo;
      st.lastBucketText = p.line;
      if (bound == Double.POSITIVE_INFINITY) st.infValue = s.value();
    }

    private void summary(Sample s, PrometheusTextParser p) throws PrometheusTextException {
      String q = s.label("quantile");
      if (!s.name().equals(name)) {
        if (q != null) throw p.error(s.name() + " must not carry a quantile label");
        return;
      }
      if (q == null) throw p.error("summary sample " + name + " has no quantile label");
      double quantile =
          parseFloat(q).filter(d -> !d.isNaN())
              .orElseThrow(() -> p.error("quantile=\"" + q + "\" of " + name + " is not a number"));
      Series st = series(s.labels(), "quantile", p);
      if (st.lastBound != null && quantile <= st.lastBound) {
        throw p.error("quantile=\"" + q + "\" of " + name + " is not above the one before it (quantiles go in increasing order)");
      }
      st.lastBound = quantile;
    }

    private Series series(Map<String, String> labels, String without, PrometheusTextParser p) {
      Map<String, String> k = new TreeMap<>(labels);
      k.remove(without);
      return series.computeIfAbsent(k, x -> new Series(p.lineNo, p.line));
    }

    void check(PrometheusTextParser p) throws PrometheusTextException {
      if (type != MetricType.HISTOGRAM) return;
      for (Map.Entry<Map<String, String>, Series> e : series.entrySet()) {
        Series st = e.getValue();
        String which = name + (e.getKey().isEmpty() ? "" : e.getKey().toString());
        if (st.lastBound == null) {
          throw p.errorAt(st.firstLine, st.firstText, "histogram " + which + " has no buckets");
        }
        if (st.infValue == null) {
          throw p.errorAt(st.lastBucketLine, st.lastBucketText, "histogram " + which + " has no le=\"+Inf\" bucket");
        }
        if (st.count != null && Double.compare(st.count, st.infValue) != 0) {
          throw p.errorAt(
              st.countLine, st.countText,
              name + "_count (" + st.count + ") differs from its le=\"+Inf\" bucket (" + st.infValue + ")");
        }
      }
    }
  }

  private static final class Series {
    final int firstLine;
    final String firstText;
    Double lastBound;
    Double infValue;
    Double count;
    int lastBucketLine;
    String lastBucketText;
    int countLine;
    String countText;

    Series(int firstLine, String firstText) {
      this.firstLine = firstLine;
      this.firstText = firstText;
    }
  }
}
