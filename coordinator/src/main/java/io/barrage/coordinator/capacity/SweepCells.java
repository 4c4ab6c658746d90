package io.barrage.coordinator.capacity;

import io.barrage.protocol.plan.CellSpec;
import io.barrage.protocol.plan.Load;
import io.barrage.protocol.results.CellRecord;
import io.barrage.protocol.scenario.Scenario;
import io.barrage.protocol.scenario.SweepSpec;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The cells of a sweep ({@code workload.load.sweep}), per target × maxNewTokens (× repeat): one
 * virtual user (synchronous, {@code c1}); then a closed loop at {@code saturation} virtual users,
 * whose measured request rate is the saturation throughput; then {@code points} open-loop rates
 * evenly spaced strictly between the synchronous cell's request rate and that throughput, each a
 * real cell. When either end measured no successful request, the rates cannot be placed and that
 * sweep ends after its two ends.
 */
final class SweepCells implements CellSource {
  private final Scenario scenario;
  private final SweepSpec spec;
  private final List<SearchKey> keys;

  SweepCells(Scenario scenario) {
    this.scenario = scenario;
    this.spec = scenario.workload().load().sweep();
    this.keys = SearchKey.all(scenario);
  }

  @Override
  public CellSpec next(List<CellRecord> measured) {
    for (SearchKey k : keys) {
      List<CellRecord> mine = new ArrayList<>();
      for (CellRecord c : measured) if (k.owns(c.spec())) mine.add(c);
      List<Load> loads = loads(mine);
      if (loads == null) continue; // a cell was cut short: this sweep ends there (the run may be ending too)
      if (mine.size() < loads.size()) {
        Load load = loads.get(mine.size());
        return new CellSpec(measured.size(), k.cellId(load, ""), k.target().name(), k.maxNewTokens(), load, k.repeat());
      }
    }
    return null;
  }

  /** The loads of one sweep as far as its measured cells decide them. */
  private List<Load> loads(List<CellRecord> mine) {
    List<Load> out = new ArrayList<>(List.of(new Load.Concurrency(1), new Load.Concurrency(spec.saturationOrDefault())));
    if (mine.stream().anyMatch(CellRecord::cut)) return null;
    if (mine.size() < 2) return out;
    double low = rate(mine.get(0)), high = rate(mine.get(1));
    if (!(low > 0) || !(high > 0)) return out;
    int n = spec.pointsOrDefault();
    for (int i = 1; i <= n; i++) {
      double r = new BigDecimal(low + (high - low) * i / (n + 1)).round(new MathContext(4)).doubleValue();
      out.add(new Load.Rate(r, scenario.workload().load().arrivalsOrDefault()));
    }
    return out;
  }

  /** Successful requests per second of a measured cell. */
  static double rate(CellRecord c) {
    return c.windowSeconds() > 0 ? c.aggregate().ok() / c.windowSeconds() : 0;
  }

  @Override
  public int plannedSize() {
    return keys.size() * (2 + spec.pointsOrDefault());
  }
}
