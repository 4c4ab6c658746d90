package io.barrage.coordinator.report;

import io.barrage.coordinator.report.model.CellSummary;
import io.barrage.coordinator.report.model.Numbers;
import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.scenario.GoodputThresholds;

/**
 * A cell's goodput: the requests that met every per-request threshold of the scenario's {@code slo}
 * ({@link GoodputThresholds}), per second of the cell's window (the window throughput divides by, so
 * a cut cell divides by the time it measured), their output tokens per second, and their fraction of
 * the completed measured requests (ok + failed; a failed request is never good, a request whose
 * outcome never arrived is not counted). Null when the scenario sets no threshold.
 */
public final class GoodputStats {
  private GoodputStats() {}

  public static CellSummary.Goodput of(GoodputThresholds thresholds, CellAggregate a, double windowSeconds) {
    if (thresholds == null) return null;
    return of(a.goodRequests(), a.goodOutputTokens(), a.ok() + a.errorCount(), windowSeconds);
  }

  /**
   * @param good requests that met every threshold
   * @param goodTokens their output tokens
   * @param completed measured requests that completed, successfully or not
   * @param windowSeconds the cell's measurement window
   */
  public static CellSummary.Goodput of(long good, long goodTokens, long completed, double windowSeconds) {
    Double rps = windowSeconds > 0 ? good / windowSeconds : null;
    Double tps = windowSeconds > 0 ? goodTokens / windowSeconds : null;
    Double fraction = completed > 0 ? (double) good / completed : null;
    return new CellSummary.Goodput(Numbers.round(rps, 4), Numbers.round(tps, 4), Numbers.round(fraction, 6));
  }
}
