package io.barrage.protocol.scenario;

import java.util.List;

/**
 * Exactly one of: closed-loop {@code concurrency} levels, open-loop {@code rate} levels (requests/s),
 * a capacity {@code search} or a {@code sweep}. The last two decide their load levels while the run
 * goes, from the cells already measured.
 */
public record LoadSpec(List<Integer> concurrency, List<Double> rate, Arrivals arrivals, SearchSpec search, SweepSpec sweep) {

  public LoadSpec(List<Integer> concurrency, List<Double> rate, Arrivals arrivals) {
    this(concurrency, rate, arrivals, null, null);
  }

  public Arrivals arrivalsOrDefault() {
    return arrivals == null ? Arrivals.POISSON : arrivals;
  }

  /** Whether the load levels are decided during the run (search or sweep) rather than listed. */
  public boolean adaptive() {
    return search != null || sweep != null;
  }
}
