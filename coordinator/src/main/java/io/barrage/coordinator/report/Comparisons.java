package io.barrage.coordinator.report;

import io.barrage.coordinator.report.model.CellSummary;
import io.barrage.coordinator.report.model.Comparison;
import io.barrage.coordinator.report.model.Comparison.CellComparison;
import io.barrage.coordinator.report.model.Comparison.Interval;
import io.barrage.coordinator.report.model.LoadInfo;
import io.barrage.coordinator.report.model.Numbers;
import io.barrage.coordinator.report.model.TargetSummary;
import io.barrage.protocol.scenario.ComparisonSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Head-to-head comparisons. Cells match when they have the same maxNewTokens and load level; with
 * {@code repeat: N} the repeats are paired by number (they ran back to back under the same
 * conditions), each pair gives one ratio, and the reported ratio is their mean with a Student-t 95 %
 * confidence interval.
 */
public final class Comparisons {
  public static final List<String> METRICS = List.of("ttft", "tpot", "itl", "ntpot", "e2e");
  public static final List<String> PERCENTILES = List.of("p50", "p90", "p95", "p99", "p999", "mean");

  private Comparisons() {}

  /** Baseline (scenario's, else the first target) against the named candidate, else every other target. */
  public static List<Comparison> fromScenario(ComparisonSpec spec, List<TargetSummary> targets) {
    if (targets.size() < 2) return List.of();
    String baseName = spec != null && spec.baseline() != null ? spec.baseline() : targets.get(0).name();
    TargetSummary base = targets.stream().filter(t -> t.name().equals(baseName)).findFirst().orElse(targets.get(0));
    List<Comparison> out = new ArrayList<>();
    for (TargetSummary t : targets) {
      if (t == base) continue;
      if (spec != null && spec.candidate() != null && !spec.candidate().equals(t.name())) continue;
      out.add(compare(base, t, base.name(), t.name()));
    }
    return out;
  }

  /** One key per matching cell group: maxNewTokens and load level. */
  record Key(int maxNewTokens, LoadInfo load) {}

  static Map<Key, Map<Integer, CellSummary>> byKey(TargetSummary t) {
    Map<Key, Map<Integer, CellSummary>> m = new LinkedHashMap<>();
    for (CellSummary c : t.cells()) {
      m.computeIfAbsent(new Key(c.maxNewTokens(), c.load()), k -> new TreeMap<>()).put(c.repeat(), c);
    }
    return m;
  }

  public static Comparison compare(TargetSummary base, TargetSummary cand, String baseLabel, String candLabel) {
    Map<Key, Map<Integer, CellSummary>> b = byKey(base), c = byKey(cand);
    List<CellComparison> cells = new ArrayList<>();
    for (Map.Entry<Key, Map<Integer, CellSummary>> e : b.entrySet()) {
      Map<Integer, CellSummary> other = c.get(e.getKey());
      if (other == null) continue;
      List<CellSummary> bs = new ArrayList<>(), cs = new ArrayList<>();
      for (Map.Entry<Integer, CellSummary> r : e.getValue().entrySet()) {
        CellSummary match = other.get(r.getKey());
        if (match != null) {
          bs.add(r.getValue());
          cs.add(match);
        }
      }
      if (bs.isEmpty()) continue;
      cells.add(cell(e.getKey(), bs, cs, baseLabel, candLabel));
    }
    String headline = null;
    CellComparison top = null;
    for (CellComparison cc : cells) {
      if (cc.sentence() == null) continue;
      if (top == null
          || cc.load().level() > top.load().level()
          || (cc.load().level() == top.load().level() && cc.maxNewTokens() > top.maxNewTokens())) {
        top = cc;
      }
    }
    if (top != null) headline = top.sentence();
    return new Comparison(baseLabel, candLabel, cells, headline);
  }

  static CellComparison cell(Key key, List<CellSummary> bs, List<CellSummary> cs, String baseLabel, String candLabel) {
    List<Double> tputRatios = new ArrayList<>();
    List<Double> e2eRatios = new ArrayList<>();
    List<Double> goodRatios = new ArrayList<>();
    List<Double> bTps = new ArrayList<>(), cTps = new ArrayList<>();
    Map<String, Map<String, List<Double>>> lat = new LinkedHashMap<>();
    for (int i = 0; i < bs.size(); i++) {
      CellSummary x = bs.get(i), y = cs.get(i);
      if (x.tokensPerSecond() != null) bTps.add(x.tokensPerSecond());
      if (y.tokensPerSecond() != null) cTps.add(y.tokensPerSecond());
      Double tr = ratio(y.tokensPerSecond(), x.tokensPerSecond());
      if (tr != null) tputRatios.add(tr);
      Double er = ratio(y.latencyValue("e2e", "p50"), x.latencyValue("e2e", "p50"));
      if (er != null) e2eRatios.add(er);
      Double gr = ratio(y.goodputPerSecond(), x.goodputPerSecond());
      if (gr != null) goodRatios.add(gr);
      for (String m : METRICS) {
        for (String p : PERCENTILES) {
          Double r = ratio(y.latencyValue(m, p), x.latencyValue(m, p));
          if (r != null) lat.computeIfAbsent(m, k -> new LinkedHashMap<>()).computeIfAbsent(p, k -> new ArrayList<>()).add(r);
        }
      }
    }
    Map<String, Map<String, Double>> latencyRatios = new LinkedHashMap<>();
    lat.forEach((m, ps) -> {
      Map<String, Double> out = new LinkedHashMap<>();
      ps.forEach((p, rs) -> out.put(p, Numbers.round(Stats.mean(rs), 4)));
      latencyRatios.put(m, out);
    });
    Double tputRatio = tputRatios.isEmpty() ? null : Stats.mean(tputRatios);
    Double e2eRatio = e2eRatios.isEmpty() ? null : Stats.mean(e2eRatios);
    Interval tputCi = round(Stats.ci95(tputRatios));
    Interval e2eCi = round(Stats.ci95(e2eRatios));
    Double goodRatio = goodRatios.isEmpty() ? null : Stats.mean(goodRatios);
    String goodPart = goodputPart(goodRatio, bs, cs, baseLabel);
    String sentence = sentence(candLabel, baseLabel, tputRatio, e2eRatio, tputCi, key, goodPart);
    return new CellComparison(
        key.maxNewTokens(),
        key.load(),
        bs.stream().map(CellSummary::id).toList(),
        cs.stream().map(CellSummary::id).toList(),
        bs.size(),
        bTps.isEmpty() ? null : Numbers.round(Stats.mean(bTps), 4),
        cTps.isEmpty() ? null : Numbers.round(Stats.mean(cTps), 4),
        Numbers.round(tputRatio, 4),
        tputCi,
        latencyRatios,
        e2eCi,
        sentence,
        Numbers.round(goodRatio, 4));
  }

  /**
   * The quotable sentence, e.g. "tgi-2xa4000: 3.9× the tokens/s and 4.7× lower median latency than
   * fastapi-a100 at 300 concurrent requests (256 new tokens)".
   */
  static String sentence(String cand, String base, Double tputRatio, Double e2eRatio, Interval tputCi, Key key) {
    return sentence(cand, base, tputRatio, e2eRatio, tputCi, key, null);
  }

  /** The sentence with a goodput part ("6.1× the goodput") after the tokens/s, when there is one. */
  static String sentence(String cand, String base, Double tputRatio, Double e2eRatio, Interval tputCi, Key key, String goodPart) {
    if (tputRatio == null && e2eRatio == null) return null;
    List<String> parts = new ArrayList<>();
    if (tputRatio != null) {
      String ci = tputCi == null ? "" : String.format(Locale.ROOT, " (95%% CI %s–%s×)", times(tputCi.low()), times(tputCi.high()));
      parts.add(times(tputRatio) + "× the tokens/s" + ci);
    }
    if (goodPart != null) parts.add(goodPart);
    if (e2eRatio != null) {
      if (Objects.equals(times(e2eRatio), "1.0")) parts.add("the same median latency");
      else if (e2eRatio < 1) parts.add(times(1 / e2eRatio) + "× lower median latency");
      else parts.add(times(e2eRatio) + "× higher median latency");
    }
    String joined = parts.size() <= 2 ? String.join(" and ", parts)
        : String.join(", ", parts.subList(0, parts.size() - 1)) + " and " + parts.get(parts.size() - 1);
    return cand + ": " + joined + " than " + base + " at " + key.load().describe()
        + " (" + key.maxNewTokens() + " new tokens)";
  }

  /**
   * "6.1× the goodput" when both sides had goodput; "goodput 3.2 req/s where BASE had none" when only
   * the candidate had good requests; null without goodput.
   */
  static String goodputPart(Double goodRatio, List<CellSummary> bs, List<CellSummary> cs, String baseLabel) {
    if (goodRatio != null) return times(goodRatio) + "× the goodput";
    boolean baseNone = bs.stream().allMatch(x -> x.goodputPerSecond() != null && x.goodputPerSecond() == 0);
    List<Double> cand = cs.stream().map(CellSummary::goodputPerSecond).filter(v -> v != null && v > 0).toList();
    if (!baseNone || cand.isEmpty() || cand.size() != cs.size()) return null;
    return "goodput " + Numbers.fmt(Stats.mean(cand), 2) + " req/s where " + baseLabel + " had none";
  }

  /** A ratio with one decimal ("3.9"), two below 0.1 ("0.05"). */
  static String times(double r) {
    return r < 0.095 ? String.format(Locale.ROOT, "%.2f", r) : String.format(Locale.ROOT, "%.1f", r);
  }

  static Double ratio(Double num, Double den) {
    if (num == null || den == null || !(den > 0)) return null;
    return num / den;
  }

  private static Interval round(Interval i) {
    return i == null ? null : new Interval(Numbers.round(i.low(), 4), Numbers.round(i.high(), 4));
  }
}
