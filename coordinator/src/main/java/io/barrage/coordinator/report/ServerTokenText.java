package io.barrage.coordinator.report;

import io.barrage.coordinator.report.model.CellSummary;
import io.barrage.coordinator.report.model.ServerSummary;
import io.barrage.coordinator.report.model.Summary;
import io.barrage.coordinator.report.model.TargetSummary;

/**
 * The end-of-run text's warning about cells whose server counted other output tokens than barrage
 * (summary.json {@code server.tokenCheck}). Only unexplained differences are listed: a cell whose
 * check carries a {@code note} (it had failed, warm-up or cut requests, whose tokens the server
 * counts and barrage does not) is expected to differ and is left out.
 */
final class ServerTokenText {
  private ServerTokenText() {}

  /** The warning lines, each ending with a newline; empty when every scraped count matches or is explained. */
  static String mismatches(Summary s) {
    StringBuilder rows = new StringBuilder();
    int n = 0;
    for (TargetSummary t : s.targets()) {
      for (CellSummary c : t.cells()) {
        ServerSummary.TokenCheck tc = c.server() == null ? null : c.server().tokenCheck();
        if (tc == null || tc.match() || tc.note() != null) continue;
        n++;
        rows.append("  ").append(c.id()).append(": the server counted ").append(tc.server()).append(", barrage ").append(tc.client())
            .append(" (").append(tc.clientSource()).append("), difference ").append(tc.difference() > 0 ? "+" : "").append(tc.difference()).append('\n');
      }
    }
    if (n == 0) return "";
    return "\nWARNING: server and client output-token counts differ in " + n + " cell(s) without failed, warm-up or cut requests"
        + " to explain it (one side miscounts; see report.html, Inside the server):\n" + rows;
  }
}
