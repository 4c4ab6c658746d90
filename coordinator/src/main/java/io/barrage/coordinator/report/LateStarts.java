package io.barrage.coordinator.report;

import io.barrage.coordinator.report.model.RunInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * The report's and the terminal's warning about workers that began their part of a ramp late (worker
 * events of kind {@code late}, recorded by the coordinator's {@code RampStarts}): each one named with
 * its cell and its lateness, as the event's detail says.
 */
final class LateStarts {
  private LateStarts() {}

  static List<RunInfo.WorkerEventInfo> of(RunInfo r) {
    List<RunInfo.WorkerEventInfo> out = new ArrayList<>();
    if (r.workers() == null || r.workers().events() == null) return out;
    for (RunInfo.WorkerEventInfo e : r.workers().events()) if ("late".equals(e.kind())) out.add(e);
    return out;
  }

  /** An alert box listing them; nothing when there is none. */
  static void alert(StringBuilder b, RunInfo r) {
    List<RunInfo.WorkerEventInfo> late = of(r);
    if (late.isEmpty()) return;
    b.append("<div class=\"alert note\" id=\"alert-late-start\"><strong>").append(late.size())
        .append(" worker(s) began a ramp late.</strong> The target got their share of the ramp that much later than planned.<ul>");
    for (RunInfo.WorkerEventInfo e : late) {
      b.append("<li><code>").append(Html.esc(e.workerId())).append("</code> in cell <code>").append(Html.esc(e.cell())).append("</code>: ")
          .append(Html.esc(e.detail())).append("</li>");
    }
    b.append("</ul></div>");
  }

  /** One terminal line per late worker; empty when there is none. */
  static String text(RunInfo r) {
    StringBuilder b = new StringBuilder();
    for (RunInfo.WorkerEventInfo e : of(r)) b.append("WARNING: worker ").append(e.workerId()).append(" in ").append(e.cell()).append(": ").append(e.detail()).append('\n');
    return b.toString();
  }
}
