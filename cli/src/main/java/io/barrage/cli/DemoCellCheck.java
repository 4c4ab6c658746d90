package io.barrage.cli;

import io.barrage.coordinator.report.model.CellSummary;
import io.barrage.coordinator.report.model.Numbers;
import io.barrage.simulator.ArticleCalibration;
import io.barrage.simulator.Profile;
import io.barrage.simulator.Profiles;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether a demo cell measured the simulated stack or the machine it ran on. The simulated servers
 * are deterministic: {@link ArticleCalibration#replay} gives, in virtual time, the mean latency a
 * cell has when nothing but the model decides it. A live cell whose mean latency (at the hardware's
 * speed) is more than {@link #LATE} above that was disturbed by the machine (a loaded CPU, a stalled JVM) or by a fault
 * in the live path; a figure that rests on it says nothing reliable about the two stacks.
 */
final class DemoCellCheck {
  /** How far a live cell's mean latency may be above the model's own before the cell counts as disturbed. */
  static final double LATE = 0.10;

  private final Map<String, String> profiles;
  private final Map<String, Double> modelSeconds = new HashMap<>();

  /** @param profiles target name → simulator profile name (the demo's {@link DemoCommand#PROFILES}) */
  DemoCellCheck(Map<String, String> profiles) {
    this.profiles = profiles;
  }

  /**
   * Why {@code c} is disturbed, one phrase per reason; empty when it measured the model. A cell is
   * disturbed when it is late against the model; a saturated generator is named beside that as a
   * likely cause, and alone does not count: e2e runs from the actual send, so requests that went out
   * late but were answered at the model's pace still measure the model.
   */
  List<String> reasons(CellSummary c, double timeScale) {
    List<String> out = new ArrayList<>();
    Double model = model(c);
    Double ms = c.latencyValue("e2e", "mean");
    if (model == null || !(model > 0) || ms == null) return out;
    double live = ms * timeScale / 1000;
    double off = live / model - 1;
    // only late: a loaded machine delays answers, it never hurries them (early is a fault to report as such)
    if (!(off > LATE)) return out;
    out.add("mean latency " + Numbers.fmt(live, 1) + " s where the simulator's own timeline gives " + Numbers.fmt(model, 1) + " s (+"
        + Numbers.fmt(off * 100, 0) + "%)");
    CellSummary.Generator g = c.generator();
    if (g != null && g.saturated()) {
      out.add("load generator saturated: send-lag p99 " + Numbers.fmt(g.sendLagP99Ms(), 0) + " ms > " + Numbers.fmt(g.sendLagBudgetMs(), 0) + " ms");
    }
    return out;
  }

  /** The model's mean latency for the cell in seconds of the hardware's time; null for a load or target it cannot replay. */
  private Double model(CellSummary c) {
    String profile = profiles.get(c.target());
    Integer conc = c.load() == null ? null : c.load().concurrency();
    if (profile == null || conc == null) return null;
    return modelSeconds.computeIfAbsent(c.target() + "/" + c.maxNewTokens() + "/" + conc, k -> {
      Profile p = Profiles.get(profile);
      ArticleCalibration.Level l = ArticleCalibration.replay(p, conc, c.maxNewTokens());
      return l.meanLatencySeconds();
    });
  }
}
