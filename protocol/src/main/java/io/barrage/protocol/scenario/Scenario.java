package io.barrage.protocol.scenario;

import java.util.List;
import java.util.Optional;

/**
 * A scenario file: targets and a workload. Every step of the matrix target × maxNewTokens × load
 * level (× repeat) is one measured cell. Parsed from YAML by {@link ScenarioLoader}.
 */
public record Scenario(
    String name,
    List<Target> targets,
    Workload workload,
    ComparisonSpec comparison,
    SloSpec slo,
    FailOn failOn,
    RecommendationSpec recommendations,
    Integer repeat,
    WorkerLossPolicy onWorkerLoss) {

  public Optional<Target> target(String name) {
    return targets.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  public int repeatOrOne() {
    return repeat == null ? 1 : repeat;
  }

  public WorkerLossPolicy onWorkerLossOrDefault() {
    return onWorkerLoss == null ? WorkerLossPolicy.REBALANCE : onWorkerLoss;
  }
}
