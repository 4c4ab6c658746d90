package io.barrage.protocol.scenario;

import java.time.Duration;
import java.util.List;

/**
 * Either closed-loop {@code concurrency} levels, open-loop {@code rate} levels (requests/s), a
 * ramp of {@code stages} measured as one cell (see {@link StageSpec}), or a {@code trace} to replay.
 */
public record LoadSpec(List<Integer> concurrency, List<Double> rate, Arrivals arrivals, List<StageSpec> stages, TraceSpec trace) {

  public LoadSpec(List<Integer> concurrency, List<Double> rate, Arrivals arrivals, List<StageSpec> stages) {
    this(concurrency, rate, arrivals, stages, null);
  }

  public LoadSpec(List<Integer> concurrency, List<Double> rate, Arrivals arrivals) {
    this(concurrency, rate, arrivals, null);
  }

  public Arrivals arrivalsOrDefault() {
    return arrivals == null ? Arrivals.POISSON : arrivals;
  }

  /**
   * One stage of a ramp (k6's stages): the level ({@code rate} in requests/s or {@code concurrency}
   * in virtual users, the same kind in every stage) reached at the end of {@code duration}, moving
   * linearly from the previous stage's level (0 before the first).
   */
  public record StageSpec(Double rate, Integer concurrency, Duration duration) {}
}
