package io.barrage.coordinator.report.model;

import java.util.List;

/**
 * The answer of one capacity search ({@code workload.load.search}) for one target at one
 * maxNewTokens: the highest load that met the SLO, replayed from the probes the run measured.
 *
 * @param by {@code rate} (requests/s) or {@code concurrency} (virtual users)
 * @param sustained the highest probed load at which every probe met the SLO; 0 when none did
 * @param firstViolation the lowest probed load that missed it; null when none did
 * @param atLeast true when the search met the SLO at its {@code max}: the capacity is at least {@code sustained}
 * @param precision the precision asked for (a fraction: 0.05 = 5 %)
 * @param reached the bracket's relative width at the end, (firstViolation − sustained) / sustained; null without a bracket
 * @param probes how many probes (cells) the search measured
 * @param cell the id of the (last) cell measured at {@code sustained}; null when nothing was sustained
 * @param goodput the goodput of that cell ({@code cells[].goodput}; null when the SLO sets no per-request threshold)
 * @param usdPer1MTokens the cost per million output tokens of that cell
 * @param end how the search ended: {@code found}, {@code at-max}, {@code never}, {@code probe-budget},
 *     {@code time-budget} or {@code interrupted}
 * @param confirmed whether the answer's load was measured twice (the repeat near the boundary)
 * @param said the answer in one plain sentence
 * @param objective the SLO the search held, in words ("p99 TTFT ≤ 2 s, errors ≤ 1 %")
 * @param latencyMetric the first latency objective that is set ({@code ttft}, {@code tpot} or {@code e2e}; null: none), drawn by the report
 * @param latencyLimitMs its p99 limit in ms
 * @param steps the probes in the order they were measured
 */
public record Capacity(
    String target,
    int maxNewTokens,
    int repeat,
    String by,
    double sustained,
    Double firstViolation,
    boolean atLeast,
    double precision,
    Double reached,
    int probes,
    String cell,
    CellSummary.Goodput goodput,
    Double usdPer1MTokens,
    String end,
    boolean confirmed,
    String said,
    String objective,
    String latencyMetric,
    Double latencyLimitMs,
    List<Probe> steps) {

  /**
   * One probe.
   *
   * @param phase {@code bracket}, {@code bisect} or {@code confirm}
   * @param met whether every objective that is set was met and the error rate was within {@code maxErrorRate};
   *     null for a probe cut short (not judged)
   * @param why the objectives it missed, null when it met them
   */
  public record Probe(int n, String cell, double load, String phase, Boolean met, String why) {}
}
