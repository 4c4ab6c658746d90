package io.barrage.coordinator.report.model;

import java.util.List;

/** One serving stack under test and every cell measured against it. */
public record TargetSummary(String name, String api, String model, DeploymentInfo deployment, List<CellSummary> cells) {

  /** The deployment columns (what it runs on, what it costs); fields are null when the scenario does not say. */
  public record DeploymentInfo(String instance, Integer gpus, Integer tensorParallel, String quantization, Double usdPerHour, String gpuProduct) {}
}
