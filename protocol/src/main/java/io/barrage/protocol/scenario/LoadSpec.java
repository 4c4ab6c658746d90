package io.barrage.protocol.scenario;

import java.util.List;

/** Either closed-loop {@code concurrency} levels or open-loop {@code rate} levels (requests/s). */
public record LoadSpec(List<Integer> concurrency, List<Double> rate, Arrivals arrivals) {

  public Arrivals arrivalsOrDefault() {
    return arrivals == null ? Arrivals.POISSON : arrivals;
  }
}
