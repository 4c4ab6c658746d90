package io.barrage.protocol.scenario;

import java.util.List;

/** Closed-loop {@code concurrency} levels, open-loop {@code rate} levels (requests/s), or a {@code trace} to replay. */
public record LoadSpec(List<Integer> concurrency, List<Double> rate, Arrivals arrivals, TraceSpec trace) {

  public LoadSpec(List<Integer> concurrency, List<Double> rate, Arrivals arrivals) {
    this(concurrency, rate, arrivals, null);
  }

  public Arrivals arrivalsOrDefault() {
    return arrivals == null ? Arrivals.POISSON : arrivals;
  }
}
