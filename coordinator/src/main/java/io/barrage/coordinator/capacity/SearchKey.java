package io.barrage.coordinator.capacity;

import io.barrage.protocol.scenario.Scenario;
import io.barrage.protocol.scenario.Target;
import java.util.ArrayList;
import java.util.List;

/**
 * One search (or sweep) of a run: a target at one maxNewTokens in one repeat. Order: repeat,
 * maxNewTokens, then target, as the listed cells are ordered.
 */
record SearchKey(Target target, int maxNewTokens, int repeat, boolean repeated) {

  static List<SearchKey> all(Scenario s) {
    List<SearchKey> out = new ArrayList<>();
    int repeats = s.repeatOrOne();
    for (int rep = 1; rep <= repeats; rep++) {
      for (int mnt : s.workload().maxNewTokens()) {
        for (Target t : s.targets()) {
          if (t.runs(mnt)) out.add(new SearchKey(t, mnt, rep, repeats > 1));
        }
      }
    }
    return out;
  }

  /** A cell id of this search: {@code target/m128/r12.5/probe3} (with {@code /rep2} before the suffix when the scenario repeats). */
  String cellId(io.barrage.protocol.plan.Load load, String suffix) {
    return target.name() + "/m" + maxNewTokens + "/" + load.id() + (repeated ? "/rep" + repeat : "") + suffix;
  }

  boolean owns(io.barrage.protocol.plan.CellSpec c) {
    return c.target().equals(target.name()) && c.maxNewTokens() == maxNewTokens && c.repeat() == repeat;
  }
}
