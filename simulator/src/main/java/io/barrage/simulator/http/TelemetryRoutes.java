package io.barrage.simulator.http;

import io.barrage.simulator.Profile;
import io.barrage.simulator.SimulatorStats;
import io.barrage.simulator.engine.Engine;
import io.barrage.simulator.telemetry.DcgmMetricsText;
import io.barrage.simulator.telemetry.LlamaCppMetricsText;
import io.barrage.simulator.telemetry.StackMetrics;
import io.barrage.simulator.telemetry.VllmMetricsText;

/**
 * The telemetry a serving stack and its GPUs publish (docs/telemetry.md): {@code GET /metrics} in
 * the names of the stack chosen ({@link StackMetrics}) and {@code GET /dcgm/metrics}, a DCGM
 * exporter's series for the simulated GPUs. Both open, like TGI's {@code /metrics}.
 */
final class TelemetryRoutes {
  private final Profile profile;
  private final SimulatorStats stats;
  private final Engine engine;
  private final StackMetrics names;
  private final DcgmMetricsText dcgm;

  TelemetryRoutes(Profile profile, SimulatorStats stats, Engine engine, StackMetrics names, java.util.List<String> dcgmPods) {
    this.profile = profile;
    this.stats = stats;
    this.engine = engine;
    this.names = names == null ? StackMetrics.defaultFor(profile) : names;
    this.dcgm = new DcgmMetricsText(profile, engine, dcgmPods);
  }

  /** Answers the exchange when it is one of these routes; false when it is not. */
  boolean handle(Exchange ex) {
    String path = ex.path();
    boolean metrics = path.equals("/metrics") && names != StackMetrics.NONE;
    if (!metrics && !path.equals("/dcgm/metrics")) return false;
    if (!ex.method().equals("GET")) {
      Reply.empty(405).send(ex);
      return true;
    }
    String text = !metrics ? dcgm.render() : switch (names) {
      case TGI -> MetricsText.render(profile, stats, engine);
      case VLLM -> VllmMetricsText.render(profile, engine);
      case LLAMACPP -> LlamaCppMetricsText.render(engine);
      case NONE -> throw new IllegalStateException("no metrics");
    };
    Reply.text(200, text).send(ex);
    return true;
  }
}
