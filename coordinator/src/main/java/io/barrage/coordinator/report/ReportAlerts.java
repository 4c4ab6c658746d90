package io.barrage.coordinator.report;

import io.barrage.coordinator.report.model.CellSummary;
import io.barrage.coordinator.report.model.Eligibility;
import io.barrage.coordinator.report.model.Numbers;
import io.barrage.coordinator.report.model.RunInfo;
import io.barrage.coordinator.report.model.Summary;
import io.barrage.coordinator.report.model.TargetSummary;
import java.util.ArrayList;
import java.util.List;

/**
 * The report's alert boxes: the run's outcome and lost workers, saturated generators, the cells the
 * verdicts left out, unreachable targets and token counts in doubt.
 */
final class ReportAlerts {
  private ReportAlerts() {}

  static void alerts(StringBuilder b, Summary s) {
    RunInfo r = s.run();
    if (!"completed".equals(r.outcome())) {
      b.append("<div class=\"alert bad\" id=\"alert-outcome\"><strong>Run ").append(Html.esc(r.outcome())).append(":</strong> ")
          .append(Html.esc(r.outcomeReason())).append("</div>");
    }
    if (!r.workers().lost().isEmpty()) {
      b.append("<div class=\"alert bad\" id=\"alert-workers\"><strong>").append(r.workers().lost().size())
          .append(" worker(s) lost during the run.</strong> Their share was moved to the survivors; a crash loses at most the work since its last interval report.<ul>");
      for (RunInfo.WorkerLoss l : r.workers().lost()) {
        b.append("<li><code>").append(Html.esc(l.workerId())).append("</code> at ").append(Html.esc(l.at())).append(" in cell <code>")
            .append(Html.esc(l.cell())).append("</code>: ").append(Numbers.fmt(l.capacityShare() * 100, 0)).append(" % of the load, ")
            .append(l.requestsLost()).append(" request(s) in flight at its last report (counted incomplete)")
            .append(l.completedAfterLastReportAtMost() > 0 ? ", at most ~" + l.completedAfterLastReportAtMost() + " completed in the "
                + Numbers.fmt(l.secondsAfterLastReport(), 1) + " s after it (estimate, in no count)" : "").append(l.detail() == null ? "" : " (" + Html.esc(l.detail()) + ")").append("</li>");
      }
      b.append("</ul></div>");
    }
    LateStarts.alert(b, r);
    List<String> cut = new ArrayList<>();
    for (TargetSummary t : s.targets()) {
      for (CellSummary c : t.cells()) {
        if (c.interrupted()) cut.add("<li><code>" + Html.esc(c.id()) + "</code>: measured " + Numbers.fmt(c.windowSeconds(), 1) + " s</li>");
      }
    }
    if (!cut.isEmpty()) {
      b.append("<div class=\"alert note\" id=\"alert-interrupted\"><strong>").append(cut.size())
          .append(" cell(s) interrupted.</strong> They were cut short; their rates are over the time they really measured.<ul>")
          .append(String.join("", cut)).append("</ul></div>");
    }
    List<String> saturated = new ArrayList<>();
    for (TargetSummary t : s.targets()) {
      for (CellSummary c : t.cells()) {
        if (c.generator().saturated()) {
          saturated.add("<li><code>" + Html.esc(c.id()) + "</code>: send-lag p99 " + Numbers.fmt(c.generator().sendLagP99Ms(), 1)
              + " ms &gt; budget " + Numbers.fmt(c.generator().sendLagBudgetMs(), 0) + " ms</li>");
        }
      }
    }
    if (!saturated.isEmpty()) {
      b.append("<div class=\"alert bad\" id=\"alert-saturation\"><strong>Load generator saturated in ").append(saturated.size())
          .append(" cell(s).</strong> It could not send on schedule, so these cells measured the generator as much as the server: add workers or lower the load.<ul>")
          .append(String.join("", saturated)).append("</ul></div>");
    } else {
      // green only for a run that completed: a healthy generator says nothing about a failing target
      b.append("<div class=\"alert ").append("completed".equals(r.outcome()) ? "good" : "note")
          .append("\" id=\"alert-generator\">Load generator healthy: send-lag p99 within budget in every cell.</div>");
    }
    excluded(b, s);
  }

  /** The cells the verdicts left out (too many errors, nothing measured), each with its reason. */
  private static void excluded(StringBuilder b, Summary s) {
    Eligibility e = s.eligibility();
    if (e == null || e.excluded().isEmpty()) return;
    b.append("<div class=\"alert bad\" id=\"alert-excluded\"><strong>").append(e.excluded().size())
        .append(" cell(s) left out of the verdicts</strong> (the comparison sentence, the recommendations and the Pareto frontier): more than ")
        .append(Html.esc(Verdicts.percent(e.maxErrorRate()))).append(" errors (<code>slo.maxErrorRate</code>) or nothing measured.<ul>");
    for (Eligibility.Excluded x : e.excluded()) {
      b.append("<li><code>").append(Html.esc(x.cell())).append("</code>: ").append(Html.esc(x.reason())).append("</li>");
    }
    b.append("</ul></div>");
  }

  /** When a target could not be reached: per target and cell, each span and the attempts that failed in it. */
  static void unreachable(StringBuilder b, Summary s) {
    List<String> items = new ArrayList<>();
    for (TargetSummary t : s.targets()) {
      for (CellSummary c : t.cells()) {
        for (CellSummary.Unreachable u : c.unreachable()) {
          items.add("<li>" + Html.esc(t.name()) + " in <code>" + Html.esc(c.id()) + "</code>: from " + Html.esc(u.from()) + " to "
              + Html.esc(u.to()) + " (" + Numbers.fmt(u.seconds(), 1) + " s), " + u.failedAttempts() + " failed connection attempt(s)</li>");
        }
      }
    }
    if (items.isEmpty()) return;
    b.append("<div class=\"alert bad\" id=\"alert-unreachable\"><strong>Target unreachable ").append(items.size())
        .append(" time(s).</strong> Connections were refused or timed out; virtual users backed off (at most about 1 s between attempts), so <code>connect</code> errors count attempts, not lost load.<ul>")
        .append(String.join("", items)).append("</ul></div>");
  }

  /** Cells where the server's token counts and the client's own differ: the server's N is in doubt. */
  static void tokenCountAlert(StringBuilder b, Summary s) {
    List<String> cells = new ArrayList<>();
    for (TargetSummary t : s.targets()) {
      for (CellSummary c : t.cells()) {
        CellSummary.Tokens k = c.tokens();
        if (k == null || k.mismatchedRequests() == 0) continue;
        cells.add("<li><code>" + Html.esc(c.id()) + "</code>: " + k.mismatchedRequests() + " of " + k.clientCountedRequests()
            + " counted request(s) differ; the server reported " + k.server() + " tokens, the client counted " + k.client() + "</li>");
      }
    }
    if (cells.isEmpty()) return;
    b.append("<div class=\"alert bad\" id=\"alert-token-counts\"><strong>Token counts disagree in ").append(cells.size())
        .append(" cell(s).</strong> Throughput and cost use the server's count; the client counted differently (see results.md, token counts).<ul>")
        .append(String.join("", cells)).append("</ul></div>");
  }
}
