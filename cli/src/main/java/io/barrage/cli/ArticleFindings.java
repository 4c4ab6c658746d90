package io.barrage.cli;

import io.barrage.coordinator.report.model.CellSummary;
import io.barrage.coordinator.report.model.Numbers;
import io.barrage.coordinator.report.model.Summary;
import io.barrage.coordinator.report.model.TargetSummary;
import io.barrage.simulator.ArticleCalibration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the demo says about the FastAPI-vs-TGI article: each of the article's figures next to
 * barrage's, in the article's definitions (a request's throughput is its output tokens ÷ its
 * latency, averaged over the requests; latency is the mean time to the whole answer; the two
 * headline ratios are the per-level ratios averaged over the load levels, at 128 new tokens), with
 * the tolerance, marked {@code [reproduced]} only when barrage's figure is within it. Measured
 * times are converted to the modelled hardware's speed (× the demo's time scale) before they are
 * compared with the article's seconds; ratios need no conversion. Then barrage's own aggregate
 * comparison (all output tokens over the window, median latency), labelled as such.
 *
 * <p>A line that uses a cell the machine disturbed ({@link DemoCellCheck}: its mean latency more
 * than 10 % above the simulator's own timeline, with the generator's saturation if any) names the
 * cells and why; if its figure is also outside the tolerance it is marked {@code [inconclusive]},
 * not {@code [not reproduced]}: the machine, not the stacks, can account for the difference
 * (docs/reports.md, "On a loaded machine").
 */
final class ArticleFindings {
  static final String FASTAPI = "fastapi-a100";
  static final String TGI = "tgi-2xa4000";
  static final String TIMEOUT_CLASS = "totalTimeout";

  private ArticleFindings() {}

  static List<String> of(Summary s, double timeScale) {
    List<String> out = new ArrayList<>();
    TargetSummary fa = s.target(FASTAPI), tgi = s.target(TGI);
    if (fa == null || tgi == null) return out;
    TreeMap<Integer, CellSummary> fa128 = byLevel(fa, 128), tgi128 = byLevel(tgi, 128), tgi256 = byLevel(tgi, 256);
    double tol = ArticleCalibration.TOLERANCE * 100;
    DemoCellCheck check = new DemoCellCheck(DemoCommand.PROFILES);
    Map<CellSummary, List<String>> disturbed = new java.util.LinkedHashMap<>();
    for (TargetSummary t : List.of(fa, tgi)) {
      for (CellSummary c : t.cells()) {
        List<String> why = check.reasons(c, timeScale);
        if (!why.isEmpty()) disturbed.put(c, why);
      }
    }
    out.add(String.format(Locale.ROOT, "The FastAPI-vs-TGI article in its own definitions (per request: output tokens / latency; latency: mean time to the"
        + " whole answer; ratios: per load level, averaged over the levels, 128 new tokens; times at the modelled hardware's speed; tolerance ±%.0f%%):", tol));

    List<Double> tputRatios = new ArrayList<>(), latRatios = new ArrayList<>();
    List<CellSummary> headline = new ArrayList<>();
    for (Map.Entry<Integer, CellSummary> e : fa128.entrySet()) {
      CellSummary t = tgi128.get(e.getKey());
      if (t == null) continue;
      headline.add(e.getValue());
      headline.add(t);
      Double r = ratio(t.perRequestTokensPerSecond(), e.getValue().perRequestTokensPerSecond());
      Double l = ratio(e.getValue().latencyValue("e2e", "mean"), t.latencyValue("e2e", "mean"));
      if (r != null) tputRatios.add(r);
      if (l != null) latRatios.add(l);
    }
    String levels = tputRatios.size() + " load level" + (tputRatios.size() == 1 ? "" : "s");
    out.add(ratioLine("per-request throughput", TGI + " / " + FASTAPI, mean(tputRatios), ArticleCalibration.THROUGHPUT_RATIO, "\"up to 4×\"", levels,
        headline, disturbed));
    out.add(ratioLine("latency", FASTAPI + " / " + TGI + " (lower for " + TGI + ")", mean(latRatios), ArticleCalibration.LATENCY_RATIO,
        "\"almost 5×\"", levels, headline, disturbed));

    if (!fa128.isEmpty()) {
      Map.Entry<Integer, CellSummary> top = fa128.lastEntry();
      Double sec = seconds(top.getValue(), timeScale);
      long timeouts = top.getValue().requests().errors().getOrDefault(TIMEOUT_CLASS, 0L);
      boolean ok = sec != null && sec > ArticleCalibration.LONG_LATENCY_SECONDS && timeouts == 0;
      out.add(mark(disturbed, ok, List.of(top.getValue())) + FASTAPI + "'s mean latency at " + top.getKey() + " concurrent requests: " + Numbers.fmt(sec, 0)
          + " s with " + timeouts + " timeouts (article: \"over 100 s\" as the requests grow, no timeouts reported)" + machineNote(disturbed, List.of(top.getValue())));
    }

    double worstTput = Double.NaN, minLat = Double.NaN, maxLat = Double.NaN;
    int compared = 0;
    List<CellSummary> lengths = new ArrayList<>();
    for (Map.Entry<Integer, CellSummary> e : tgi128.entrySet()) {
      CellSummary l = tgi256.get(e.getKey());
      if (e.getKey() > 200 || l == null) continue;
      Double r = ratio(l.perRequestTokensPerSecond(), e.getValue().perRequestTokensPerSecond());
      Double lr = ratio(l.latencyValue("e2e", "mean"), e.getValue().latencyValue("e2e", "mean"));
      if (r == null || lr == null) continue;
      compared++;
      lengths.add(e.getValue());
      lengths.add(l);
      if (Double.isNaN(worstTput) || Math.abs(r - 1) > Math.abs(worstTput - 1)) worstTput = r;
      minLat = Double.isNaN(minLat) ? lr : Math.min(minLat, lr);
      maxLat = Double.isNaN(maxLat) ? lr : Math.max(maxLat, lr);
    }
    if (compared > 0) {
      boolean ok = Math.abs(worstTput - 1) <= ArticleCalibration.TOLERANCE + 1e-9 && minLat >= 1.5;
      out.add(mark(disturbed, ok, lengths) + TGI + " at 256 vs 128 new tokens, up to 200 concurrent: per-request throughput " + Numbers.fmt(worstTput, 2)
          + "× at the furthest (article: \"very similar\"; ±" + Numbers.fmt(tol, 0) + "%), latency " + Numbers.fmt(minLat, 1) + "–"
          + Numbers.fmt(maxLat, 1) + "× (article: \"clearly higher\"; at least 1.5×)" + machineNote(disturbed, lengths));
    }

    CellSummary collapse = tgi256.get(300);
    if (collapse != null) {
      Double rate = collapse.perRequestTokensPerSecond() == null ? null : collapse.perRequestTokensPerSecond() / timeScale;
      Double sec = seconds(collapse, timeScale);
      long timeouts = collapse.requests().errors().getOrDefault(TIMEOUT_CLASS, 0L);
      long all = collapse.requests().ok() + collapse.requests().errorTotal();
      boolean rateOk = rate != null && ArticleCalibration.within(rate, ArticleCalibration.COLLAPSE_TOKENS_PER_SECOND);
      boolean latOk = sec != null && sec > ArticleCalibration.LONG_LATENCY_SECONDS;
      boolean toOk = timeouts > 0 && timeouts < all;
      out.add(mark(disturbed, rateOk && latOk && toOk, List.of(collapse)) + TGI + " at 300 concurrent × 256 new tokens: " + Numbers.fmt(rate, 2)
          + " tokens/s per request (article: \"about 2\"; ±" + Numbers.fmt(tol, 0) + "%: " + Numbers.fmt(2 * (1 - ArticleCalibration.TOLERANCE), 1)
          + "–" + Numbers.fmt(2 * (1 + ArticleCalibration.TOLERANCE), 1) + "), mean latency " + Numbers.fmt(sec, 0)
          + " s (article: \"over 100 s\"), " + timeouts + " of " + all + " requests timed out at " + ArticleCalibration.TIMEOUT.toSeconds()
          + " s (article: \"several requests timed out\")" + machineNote(disturbed, List.of(collapse)));
    }

    if (s.comparison() != null && s.comparison().headline() != null) {
      out.add("barrage's aggregate comparison (all output tokens / window; median latency; at the top common level): " + s.comparison().headline());
    }
    return out;
  }

  private static String ratioLine(String what, String which, Double measured, double article, String quote, String over, List<CellSummary> used,
      Map<CellSummary, List<String>> disturbed) {
    boolean ok = measured != null && ArticleCalibration.within(measured, article);
    double lo = article * (1 - ArticleCalibration.TOLERANCE), hi = article * (1 + ArticleCalibration.TOLERANCE);
    return mark(disturbed, ok, used) + what + " " + which + ": " + (measured == null ? "not measured" : Numbers.fmt(measured, 2) + "×") + " over " + over
        + " (article: " + quote + "; ±" + Numbers.fmt(ArticleCalibration.TOLERANCE * 100, 0) + "%: " + Numbers.fmt(lo, 2) + "–" + Numbers.fmt(hi, 2) + "×)"
        + machineNote(disturbed, used);
  }

  /**
   * {@code [reproduced]} within the tolerance; outside it {@code [inconclusive]} when a cell the
   * figure comes from was disturbed by the machine, else {@code [not reproduced]}.
   */
  private static String mark(Map<CellSummary, List<String>> disturbed, boolean ok, List<CellSummary> used) {
    if (ok) return "[reproduced] ";
    return used.stream().anyMatch(disturbed::containsKey) ? "[inconclusive] " : "[not reproduced] ";
  }

  /** Empty when the machine disturbed no cell the line uses; else which cells, why, and what it means. */
  private static String machineNote(Map<CellSummary, List<String>> disturbed, List<CellSummary> used) {
    List<String> named = used.stream().distinct().filter(disturbed::containsKey)
        .map(c -> c.id() + " (" + String.join("; ", disturbed.get(c)) + ")").toList();
    if (named.isEmpty()) return "";
    return " — not what the stacks alone gave: " + String.join(", ", named)
        + "; the machine (a loaded CPU, a stalled JVM) or the live path made these cells late, so run the demo on a quieter machine to judge this figure";
  }

  /** Mean e2e in seconds at the modelled hardware's speed. */
  private static Double seconds(CellSummary c, double timeScale) {
    Double ms = c.latencyValue("e2e", "mean");
    return ms == null ? null : ms * timeScale / 1000;
  }

  private static TreeMap<Integer, CellSummary> byLevel(TargetSummary t, int maxNewTokens) {
    TreeMap<Integer, CellSummary> m = new TreeMap<>();
    for (CellSummary c : t.cells()) {
      if (c.maxNewTokens() == maxNewTokens && c.load().concurrency() != null && c.repeat() == 1) m.put(c.load().concurrency(), c);
    }
    return m;
  }

  private static Double ratio(Double num, Double den) {
    return num == null || den == null || !(den > 0) ? null : num / den;
  }

  private static Double mean(List<Double> xs) {
    return xs.isEmpty() ? null : xs.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }
}
