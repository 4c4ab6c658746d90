package io.barrage.coordinator.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart rendered as inline SVG (no script, no network): series of (x, y) points, linear or
 * logarithmic axes with readable ticks, a legend and optional vertical markers (e.g. a lost worker).
 */
final class SvgChart {
  static final String[] PALETTE = {
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"
  };
  private static final int W = 720, H = 340, LEFT = 70, RIGHT = 20, TOP = 36, BOTTOM = 48;

  /**
   * One line. {@code color} indexes the palette (the report gives each target one index in every
   * chart); {@code variant} picks the point marker (circle, square, diamond, triangle) to tell apart
   * several lines of the same colour.
   */
  record Series(String name, List<double[]> points, int color, boolean dashed, int variant) {
    Series(String name, List<double[]> points, int color, boolean dashed) {
      this(name, points, color, dashed, 0);
    }
  }

  record Marker(double x, String label) {}

  private final String id, title, xLabel, yLabel;
  private final List<Series> series = new ArrayList<>();
  private final List<Marker> markers = new ArrayList<>();
  private boolean xLog, yLog;
  private java.util.function.DoubleFunction<String> xTickFormat = SvgChart::label;

  SvgChart(String id, String title, String xLabel, String yLabel) {
    this.id = id;
    this.title = title;
    this.xLabel = xLabel;
    this.yLabel = yLabel;
  }

  SvgChart add(Series s) {
    if (!s.points().isEmpty()) series.add(s);
    return this;
  }

  SvgChart marker(double x, String label) {
    markers.add(new Marker(x, label));
    return this;
  }

  SvgChart xTickFormat(java.util.function.DoubleFunction<String> f) {
    xTickFormat = f;
    return this;
  }

  SvgChart xLog(boolean v) {
    xLog = v;
    return this;
  }

  SvgChart yLog(boolean v) {
    yLog = v;
    return this;
  }

  boolean isEmpty() {
    return series.isEmpty();
  }

  /** Log scale when the positive values span more than {@code ratio}. */
  static boolean spans(List<Double> values, double ratio) {
    double min = Double.MAX_VALUE, max = 0;
    for (double v : values) {
      if (v <= 0) return false;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    return !values.isEmpty() && max / min >= ratio;
  }

  String render() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT,
        "<figure class=\"chart\" id=\"%s\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"100%%\" data-w=\"%d\" data-h=\"%d\" role=\"img\" aria-label=\"%s\">",
        Html.esc(id), W, H + legendHeight(), W, H + legendHeight(), Html.esc(title)));
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" class=\"title\">%s</text>", LEFT, Html.esc(title)));
    if (series.isEmpty()) {
      sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"nodata\">no data</text></svg></figure>", W / 2 - 30, H / 2));
      return sb.toString();
    }
    double[] xr = range(true), yr = range(false);
    Axis xa = new Axis(xr[0], xr[1], xLog, LEFT, W - RIGHT, false);
    Axis ya = new Axis(yLog ? yr[0] : Math.min(0, yr[0]), yr[1], yLog, H - BOTTOM, TOP, true);
    // grid and ticks
    for (double t : ya.ticks()) {
      double py = ya.px(t);
      sb.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>", LEFT, W - RIGHT, py, py));
      sb.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>", LEFT - 6, py + 4, label(t)));
    }
    for (double t : xa.ticks()) {
      double px = xa.px(t);
      sb.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>", px, px, TOP, H - BOTTOM));
      sb.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>", px, H - BOTTOM + 16, Html.esc(xTickFormat.apply(t))));
    }
    sb.append(String.format(Locale.ROOT, "<rect class=\"frame\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>", LEFT, TOP, W - RIGHT - LEFT, H - BOTTOM - TOP));
    sb.append(String.format(Locale.ROOT, "<text class=\"axis\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>", (LEFT + W - RIGHT) / 2, H - 10, Html.esc(xLabel)));
    sb.append(String.format(Locale.ROOT, "<text class=\"axis\" transform=\"translate(16 %d) rotate(-90)\" text-anchor=\"middle\">%s</text>", (TOP + H - BOTTOM) / 2, Html.esc(yLabel)));
    for (Marker m : markers) {
      if (m.x() < xr[0] || m.x() > xr[1]) continue;
      double px = xa.px(m.x());
      sb.append(String.format(Locale.ROOT, "<line class=\"marker\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"><title>%s</title></line>", px, px, TOP, H - BOTTOM, Html.esc(m.label())));
      sb.append(String.format(Locale.ROOT, "<text class=\"markerlabel\" x=\"%.1f\" y=\"%d\">%s</text>", px + 3, TOP + 12, Html.esc(m.label())));
    }
    for (Series s : series) {
      String color = PALETTE[s.color() % PALETTE.length];
      StringBuilder d = new StringBuilder();
      boolean move = true;
      for (double[] p : s.points()) {
        if (!plottable(p)) {
          move = true; // a gap (NaN) breaks the line
          continue;
        }
        d.append(move ? (d.length() == 0 ? "M" : " M") : " L").append(String.format(Locale.ROOT, "%.1f %.1f", xa.px(p[0]), ya.px(p[1])));
        move = false;
      }
      sb.append(String.format(Locale.ROOT, "<path class=\"series\" d=\"%s\" stroke=\"%s\"%s><title>%s</title></path>",
          d, color, s.dashed() ? " stroke-dasharray=\"6 4\"" : "", Html.esc(s.name())));
      if (s.points().size() <= 60) {
        for (double[] p : s.points()) {
          if (!plottable(p)) continue;
          sb.append(marker(s.variant(), xa.px(p[0]), ya.px(p[1]), color,
              "<title>" + Html.esc(s.name()) + ": " + label(p[0]) + ", " + label(p[1]) + "</title>"));
        }
      }
    }
    // legend
    int lx = LEFT, ly = H + 4;
    for (Series s : series) {
      int w = 30 + 7 * s.name().length();
      if (lx + w > W - RIGHT) {
        lx = LEFT;
        ly += 18;
      }
      String color = PALETTE[s.color() % PALETTE.length];
      sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"%s/>",
          lx, lx + 20, ly, ly, color, s.dashed() ? " stroke-dasharray=\"6 4\"" : ""));
      if (s.variant() > 0) sb.append(marker(s.variant(), lx + 10, ly, color, ""));
      sb.append(String.format(Locale.ROOT, "<text class=\"legend\" x=\"%d\" y=\"%d\">%s</text>", lx + 24, ly + 4, Html.esc(s.name())));
      lx += w;
    }
    sb.append("</svg></figure>");
    return sb.toString();
  }

  /** A point marker: circle, square, diamond or triangle by variant; {@code inner} goes inside the element. */
  static String marker(int variant, double x, double y, String color, String inner) {
    return switch (Math.floorMod(variant, 4)) {
      case 1 -> String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"6\" height=\"6\" fill=\"%s\">%s</rect>", x - 3, y - 3, color, inner);
      case 2 -> String.format(Locale.ROOT, "<path d=\"M%.1f %.1f L%.1f %.1f L%.1f %.1f L%.1f %.1f Z\" fill=\"%s\">%s</path>",
          x, y - 4, x + 4, y, x, y + 4, x - 4, y, color, inner);
      case 3 -> String.format(Locale.ROOT, "<path d=\"M%.1f %.1f L%.1f %.1f L%.1f %.1f Z\" fill=\"%s\">%s</path>",
          x, y - 4, x + 4, y + 3, x - 4, y + 3, color, inner);
      default -> String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\">%s</circle>", x, y, color, inner);
    };
  }

  private int legendHeight() {
    int lx = LEFT, rows = 1;
    for (Series s : series) {
      int w = 30 + 7 * s.name().length();
      if (lx + w > W - RIGHT) {
        lx = LEFT;
        rows++;
      }
      lx += w;
    }
    return 10 + rows * 18;
  }

  private boolean plottable(double[] p) {
    return Double.isFinite(p[0]) && Double.isFinite(p[1]) && (!xLog || p[0] > 0) && (!yLog || p[1] > 0);
  }

  private double[] range(boolean x) {
    double min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
    for (Series s : series) {
      for (double[] p : s.points()) {
        if (!plottable(p)) continue;
        double v = x ? p[0] : p[1];
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    if (min == Double.MAX_VALUE) return new double[] {0, 1};
    if (min == max) {
      if ((x ? xLog : yLog)) return new double[] {min / 2, max * 2};
      return new double[] {min == 0 ? 0 : min - Math.abs(min) * 0.1, max == 0 ? 1 : max + Math.abs(max) * 0.1};
    }
    return new double[] {min, max};
  }

  static String label(double v) {
    double a = Math.abs(v);
    if (a == 0) return "0";
    if (a >= 1e6) return String.format(Locale.ROOT, "%.3gM", v / 1e6).replace(".00M", "M");
    if (a >= 10_000) return String.format(Locale.ROOT, "%.0fk", v / 1e3);
    if (a >= 100) return String.format(Locale.ROOT, "%.0f", v);
    if (a >= 10) return trim(String.format(Locale.ROOT, "%.1f", v));
    if (a >= 1) return trim(String.format(Locale.ROOT, "%.2f", v));
    return trim(String.format(Locale.ROOT, "%.3g", v));
  }

  private static String trim(String s) {
    return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
  }

  /** Maps data values to pixels; ticks at 1-2-5 steps (linear) or powers of ten (log). */
  private static final class Axis {
    final double lo, hi, p0, p1;
    final boolean log;

    Axis(double lo, double hi, boolean log, double p0, double p1, boolean vertical) {
      this.log = log;
      if (log) {
        this.lo = Math.pow(10, Math.floor(Math.log10(lo)));
        this.hi = Math.pow(10, Math.ceil(Math.log10(hi)));
      } else {
        double step = step(lo, hi);
        this.lo = Math.floor(lo / step) * step;
        this.hi = Math.ceil(hi / step) * step;
      }
      this.p0 = p0;
      this.p1 = p1;
    }

    static double step(double lo, double hi) {
      double raw = (hi - lo) / 5;
      if (raw <= 0) return 1;
      double mag = Math.pow(10, Math.floor(Math.log10(raw)));
      double n = raw / mag;
      return (n < 1.5 ? 1 : n < 3.5 ? 2 : n < 7.5 ? 5 : 10) * mag;
    }

    double px(double v) {
      double f = log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo);
      return p0 + f * (p1 - p0);
    }

    List<Double> ticks() {
      List<Double> out = new ArrayList<>();
      if (log) {
        for (double t = lo; t <= hi * 1.0001; t *= 10) {
          out.add(t);
          if (Math.log10(hi / lo) <= 2) {
            if (t * 2 < hi) out.add(t * 2);
            if (t * 5 < hi) out.add(t * 5);
          }
        }
      } else {
        double step = step(lo, hi);
        for (double t = lo; t <= hi + step / 1000; t += step) out.add(Math.abs(t) < step / 1e6 ? 0 : t);
      }
      return out;
    }
  }
}
