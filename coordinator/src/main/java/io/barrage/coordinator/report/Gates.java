package io.barrage.coordinator.report;

import io.barrage.coordinator.report.model.CellSummary;
import io.barrage.coordinator.report.model.Summary;
import io.barrage.coordinator.report.model.TargetSummary;
import io.barrage.protocol.results.RunRecord;
import io.barrage.protocol.scenario.FailOn;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's own gates ({@code failOn} in the scenario): which failed, as sentences a person can act
 * on; empty means the run passed. Shared by the command line (exit code 1) and the API (the final
 * status of a run), so both judge a run the same way.
 */
public final class Gates {
  private Gates() {}

  public static List<String> failures(RunRecord run) {
    FailOn f = run.scenario().failOn();
    List<String> out = new ArrayList<>();
    if (f == null) return out;
    Summary s = SummaryBuilder.summary(run);
    for (TargetSummary t : s.targets()) {
      for (CellSummary c : t.cells()) {
        if (Boolean.TRUE.equals(f.slo()) && c.slo() != null && !c.slo().met()) out.add("cell " + c.id() + " missed its SLO");
        if (Boolean.TRUE.equals(f.saturation()) && c.generator() != null && c.generator().saturated()) {
          out.add("cell " + c.id() + ": the load generator was saturated (send-lag p99 over budget)");
        }
        if (Boolean.TRUE.equals(f.errors()) && c.requests() != null && c.requests().errorTotal() > 0) {
          out.add("cell " + c.id() + " had " + c.requests().errorTotal() + " failed request(s)");
        }
      }
    }
    return out;
  }
}
