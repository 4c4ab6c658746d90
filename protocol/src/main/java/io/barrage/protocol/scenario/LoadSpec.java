package io.barrage.protocol.scenario;

import java.time.Duration;
import java.util.List;

/**
 * Exactly one of: closed-loop {@code concurrency} levels, open-loop {@code rate} levels (requests/s),
 * a ramp of {@code stages} measured as one cell (see {@link StageSpec}), a capacity {@code search},
 * a {@code sweep}, or a {@code trace} to replay. Search and sweep decide their load levels while the
 * run goes, from the cells already measured.
 */
public record LoadSpec(List<Integer> concurrency, List<Double> rate, Arrivals arrivals, List<StageSpec> stages, SearchSpec search,
    SweepSpec sweep, TraceSpec trace) {

  public LoadSpec(List<Integer> concurrency, List<Double> rate, Arrivals arrivals, List<StageSpec> stages, SearchSpec search,
      SweepSpec sweep) {
    this(concurrency, rate, arrivals, stages, search, sweep, null);
  }

  public LoadSpec(List<Integer> concurrency, List<Double> rate, Arrivals arrivals) {
    this(concurrency, rate, arrivals, null, null, null, null);
  }

  public Arrivals arrivalsOrDefault() {
    return arrivals == null ? Arrivals.POISSON : arrivals;
  }

  /** Whether the load levels are decided during the run (search or sweep) rather than listed. */
  public boolean adaptive() {
    return search != null || sweep != null;
  }

  /**
   * One stage of a ramp (k6's stages): the level ({@code rate} in requests/s or {@code concurrency}
   * in virtual users, the same kind in every stage) reached at the end of {@code duration}, moving
   * linearly from the previous stage's level (0 before the first).
   */
  public record StageSpec(Double rate, Integer concurrency, Duration duration) {}
}
