package io.barrage.coordinator.capacity;

import io.barrage.protocol.plan.CellPlanner;
import io.barrage.protocol.plan.CellSpec;
import io.barrage.protocol.results.CellRecord;
import io.barrage.protocol.scenario.LoadSpec;
import io.barrage.protocol.scenario.Scenario;
import java.util.List;

/**
 * Where a run's cells come from: the listed plan ({@link CellPlanner}), or a search or sweep that
 * decides each next cell from the merged results of the cells measured before it. Pure: the same
 * measured cells always give the same next cell.
 */
public interface CellSource {

  /** The cell to run after {@code measured} (every cell measured so far, in order), or null when there is none. */
  CellSpec next(List<CellRecord> measured);

  /** How many cells the run plans; for a search, its upper bound (the probe budget of every search). */
  int plannedSize();

  static CellSource of(Scenario scenario) {
    LoadSpec load = scenario.workload().load();
    if (load.search() != null) return new SearchCells(scenario);
    if (load.sweep() != null) return new SweepCells(scenario);
    List<CellSpec> cells = CellPlanner.plan(scenario);
    return new CellSource() {
      @Override
      public CellSpec next(List<CellRecord> measured) {
        return measured.size() < cells.size() ? cells.get(measured.size()) : null;
      }

      @Override
      public int plannedSize() {
        return cells.size();
      }
    };
  }
}
