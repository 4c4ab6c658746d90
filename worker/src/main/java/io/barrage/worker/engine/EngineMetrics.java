package io.barrage.worker.engine;

import io.barrage.common.prometheus.PrometheusText;
import io.barrage.common.prometheus.PrometheusText.Type;
import io.barrage.worker.client.NioHttpClient;

/**
 * A worker's own engine metrics in Prometheus text format, served on its health port's
 * {@code /metrics} (docs/api.md "Metrics"): how late its event loops run, how late it sends, what it
 * holds open and in flight. The generator's health, not the target's: a run whose send lag or loop
 * lag grows measured the generator, not the server. No labels: Prometheus adds the pod.
 */
public final class EngineMetrics {
  private EngineMetrics() {}

  /** The metrics of {@code engine} now; {@code null} (no engine yet): the families without samples. */
  public static String render(LoadEngine engine) {
    PrometheusText t = new PrometheusText();
    NioHttpClient client = engine == null ? null : engine.client();
    t.family("barrage_worker_event_loop_lag_seconds", Type.HISTOGRAM,
        "How late the event loops' timeout scans ran behind their tick: what a token arriving then waited for its loop (includes up to 1 ms of selector timeout granularity).");
    if (client != null) t.histogram(client.eventLoopLag());
    t.family("barrage_worker_send_lag_seconds", Type.HISTOGRAM, "Send time minus intended send time of every request this worker sent, warm-up included.");
    if (engine != null) t.histogram(engine.sendLag());
    t.family("barrage_worker_connections_open", Type.GAUGE, "Sockets open to targets now (connecting or connected).");
    if (client != null) t.sample(client.openConnections());
    t.family("barrage_worker_requests_in_flight", Type.GAUGE, "Requests sent and not yet ended, over every running step.");
    if (engine != null) t.sample(engine.inFlight());
    t.family("barrage_worker_steps_running", Type.GAUGE, "Shares of cells this worker runs now.");
    if (engine != null) t.sample(engine.stepsRunning());
    t.family("barrage_worker_event_loops", Type.GAUGE, "Event-loop threads of the HTTP client.");
    if (client != null) t.sample(client.threads());
    return t.text();
  }
}
