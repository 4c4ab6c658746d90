package io.barrage.protocol.plan;

import io.barrage.protocol.scenario.LoadSpec;
import io.barrage.protocol.scenario.Scenario;
import io.barrage.protocol.scenario.Target;
import java.util.ArrayList;
import java.util.List;

/**
 * Expands a scenario into its cells. Order: repeat, maxNewTokens, load level, then target, so that
 * head-to-head targets are measured back to back at the same level (same conditions, same seeds).
 */
public final class CellPlanner {
  private CellPlanner() {}

  /** The listed cells; none for a search or a sweep, whose cells are decided while the run goes. */
  public static List<CellSpec> plan(Scenario s) {
    if (s.workload().load().adaptive()) return List.of();
    List<Load> loads = loads(s.workload().load());
    List<CellSpec> cells = new ArrayList<>();
    int repeats = s.repeatOrOne();
    for (int rep = 1; rep <= repeats; rep++) {
      for (int mnt : s.workload().maxNewTokens()) {
        for (Load load : loads) {
          for (Target t : s.targets()) {
            if (!t.runs(mnt)) continue;
            String id = t.name() + "/m" + mnt + "/" + load.id() + (repeats > 1 ? "/rep" + rep : "");
            cells.add(new CellSpec(cells.size(), id, t.name(), mnt, load, rep));
          }
        }
      }
    }
    return List.copyOf(cells);
  }

  public static List<Load> loads(LoadSpec spec) {
    List<Load> out = new ArrayList<>();
    if (spec.stages() != null) {
      out.add(Stages.ramp(spec));
    } else if (spec.concurrency() != null) {
      for (int c : spec.concurrency()) out.add(new Load.Concurrency(c));
    } else if (spec.trace() != null) {
      for (double x : spec.trace().speedupOrDefault()) out.add(new Load.Trace(x));
    } else {
      for (double r : spec.rate()) out.add(new Load.Rate(r, spec.arrivalsOrDefault()));
    }
    return out;
  }
}
