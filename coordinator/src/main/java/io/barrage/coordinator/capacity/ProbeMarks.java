package io.barrage.coordinator.capacity;

import io.barrage.coordinator.report.model.Capacity;
import io.barrage.coordinator.report.model.CellSummary;
import io.barrage.coordinator.report.model.TargetSummary;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Marks every probe cell of a capacity search as a probe ({@code cells[].probe}), from the search's
 * replayed steps, so that a reader of the cells alone (results.csv, a spreadsheet, a script) can
 * tell the probes from ordinary cells and read their verdicts.
 */
public final class ProbeMarks {
  private ProbeMarks() {}

  /** The target with each of its cells that one of {@code searches} probed marked. */
  public static TargetSummary mark(TargetSummary t, List<Capacity> searches) {
    Map<String, CellSummary.Probe> marks = new HashMap<>();
    for (Capacity c : searches) {
      for (Capacity.Probe p : c.steps()) marks.put(p.cell(), new CellSummary.Probe(c.by(), p.n(), p.phase(), p.met(), p.why()));
    }
    List<CellSummary> cells = new ArrayList<>();
    for (CellSummary c : t.cells()) cells.add(marks.containsKey(c.id()) ? c.withProbe(marks.get(c.id())) : c);
    return new TargetSummary(t.name(), t.api(), t.model(), t.deployment(), cells, t.capacity(), t.capacities());
  }

  /** results.csv's {@code probe_step}, {@code probe_phase}, {@code probe_met} of one cell (nulls when it is not a probe). */
  public static List<String> csv(CellSummary c) {
    CellSummary.Probe p = c.probe();
    List<String> out = new ArrayList<>();
    out.add(p == null ? null : Integer.toString(p.step()));
    out.add(p == null ? null : p.phase());
    out.add(p == null || p.met() == null ? null : p.met().toString());
    return out;
  }
}
