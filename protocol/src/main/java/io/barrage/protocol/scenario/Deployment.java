package io.barrage.protocol.scenario;

/**
 * What a target runs on and what it costs; the deployment columns of the results.
 *
 * @param usdPerHour on-demand price of the whole deployment (all its GPUs), used for the cost table
 */
public record Deployment(
    String instance,
    Integer gpus,
    Integer tensorParallel,
    String quantization,
    Double usdPerHour,
    String gpuProduct) {

  public static Deployment unknown() {
    return new Deployment(null, null, null, null, null, null);
  }
}
