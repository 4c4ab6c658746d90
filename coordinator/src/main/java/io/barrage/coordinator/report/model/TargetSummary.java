package io.barrage.coordinator.report.model;

import java.util.List;

/**
 * One serving stack under test and every cell measured against it.
 *
 * @param capacity the answer of its capacity search (the first, when it ran several: one per
 *     maxNewTokens and repeat); null without {@code workload.load.search}
 * @param capacities every capacity search of this target, when it ran more than one (else null)
 */
public record TargetSummary(String name, String api, String model, DeploymentInfo deployment, List<CellSummary> cells,
    Capacity capacity, List<Capacity> capacities) {

  public TargetSummary(String name, String api, String model, DeploymentInfo deployment, List<CellSummary> cells) {
    this(name, api, model, deployment, cells, null, null);
  }

  /** The deployment columns (what it runs on, what it costs); fields are null when the scenario does not say. */
  public record DeploymentInfo(String instance, Integer gpus, Integer tensorParallel, String quantization, Double usdPerHour, String gpuProduct) {}
}
