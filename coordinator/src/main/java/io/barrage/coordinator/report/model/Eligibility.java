package io.barrage.coordinator.report.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/**
 * Which cells the verdicts may use: the comparison sentences, the three recommendations and the
 * Pareto frontier never pick a cell whose error rate is above {@code maxErrorRate} or that measured
 * nothing (no successful request). The cells stay in every table and chart; only the verdicts skip them.
 *
 * @param maxErrorRate the limit applied: the scenario's {@code slo.maxErrorRate}, else 0.01
 * @param excluded every cell left out, in target and cell order
 */
public record Eligibility(double maxErrorRate, List<Excluded> excluded) {

  /**
   * @param errorRate the cell's errors / (ok + errors), null when nothing completed
   * @param reason why, e.g. "42 % errors > 1 %" or "measured nothing: every request failed (40 errors)"
   */
  public record Excluded(String target, String cell, Double errorRate, String reason) {
    /** "fastapi/m128/c300: 42 % errors > 1 %". */
    @JsonIgnore
    public String describe() {
      return cell + ": " + reason;
    }
  }
}
