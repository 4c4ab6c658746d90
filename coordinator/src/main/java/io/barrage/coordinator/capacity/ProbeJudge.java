package io.barrage.coordinator.capacity;

import io.barrage.coordinator.report.SummaryBuilder;
import io.barrage.coordinator.report.model.CellSummary;
import io.barrage.protocol.results.CellRecord;
import io.barrage.protocol.scenario.SloSpec;
import io.barrage.protocol.scenario.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether a probe met the SLO, judged one way for the run's decisions and the result files: every
 * objective of {@code slo} that is set (the per-cell SLO check of the summary) and an error rate
 * within {@code maxErrorRate} (1 % when not set, as for the verdicts), with at least one successful
 * request. A probe that measured nothing never passes.
 */
public final class ProbeJudge {
  private ProbeJudge() {}

  /** The objectives a cell missed, or null when it met them all. */
  public static String missed(CellSummary c, SloSpec slo) {
    List<String> out = new ArrayList<>();
    if (c.requests().ok() == 0) out.add("no successful request");
    CellSummary.Slo s = c.slo();
    if (s != null) {
      if (Boolean.FALSE.equals(s.ttftP99Met())) out.add("p99 TTFT " + ms(c, "ttft") + " > " + Objectives.duration(slo.ttftP99()));
      if (Boolean.FALSE.equals(s.tpotP99Met())) out.add("p99 TPOT " + ms(c, "tpot") + " > " + Objectives.duration(slo.tpotP99()));
      if (Boolean.FALSE.equals(s.e2eP99Met())) out.add("p99 e2e " + ms(c, "e2e") + " > " + Objectives.duration(slo.e2eP99()));
    }
    double limit = SloSpec.verdictErrorRateLimit(slo);
    Double rate = c.requests().errorRate();
    if (rate != null && rate > limit) out.add(String.format(Locale.ROOT, "errors %.2f %% > %.2f %%", rate * 100, limit * 100));
    return out.isEmpty() ? null : String.join(", ", out);
  }

  public static String missed(CellRecord c, Target t, SloSpec slo) {
    return missed(SummaryBuilder.cell(c, t, slo), slo);
  }

  private static String ms(CellSummary c, String metric) {
    CellSummary.LatencySummary l = c.latency().get(metric);
    return l == null || l.p99() == null ? "?" : Objectives.millis(l.p99());
  }
}
