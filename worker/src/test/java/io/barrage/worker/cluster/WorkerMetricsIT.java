package io.barrage.worker.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.barrage.common.prometheus.Exposition;
import io.barrage.common.prometheus.PrometheusTextParser;
import io.barrage.common.prometheus.Sample;
import io.barrage.protocol.plan.CellSpec;
import io.barrage.protocol.plan.Load;
import io.barrage.protocol.plan.LoadShare;
import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.scenario.ApiKind;
import io.barrage.protocol.scenario.LoadSpec;
import io.barrage.protocol.scenario.PromptSpec;
import io.barrage.protocol.scenario.StepSpec;
import io.barrage.protocol.scenario.Target;
import io.barrage.protocol.scenario.Timeouts;
import io.barrage.protocol.scenario.Workload;
import io.barrage.simulator.Profile;
import io.barrage.simulator.Profiles;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import io.barrage.worker.engine.EngineMetrics;
import io.barrage.worker.engine.EngineSettings;
import io.barrage.worker.engine.LoadEngine;
import io.barrage.worker.engine.LocalStep;
import io.barrage.worker.engine.StepRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.Test;

/**
 * A worker's {@code GET /metrics} on its health port while its engine runs a step against the
 * simulator: the engine's in-flight requests and open connections show during the step, every
 * request's send lag and the loops' lag are counted, and the endpoint answers only to the metrics
 * token (403 on a worker that has none).
 */
class WorkerMetricsIT {
  private static final String TOKEN = "worker-metrics-token";
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private HttpResponse<String> scrape(int port, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10));
    if (token != null) b.header("Authorization", "Bearer " + token);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static double value(Exposition e, String name) {
    return e.samples(name).stream().mapToDouble(Sample::value).sum();
  }

  @Test
  void theEnginesMetricsShowWhileAStepRunsAndOnlyToTheToken() throws Exception {
    ActorSystem system = ActorSystem.create("worker-metrics-it");
    Profile p = Profiles.get(Profiles.TGI_FAST);
    Profile.Timing t = p.timing();
    // 5 ms decode steps: a 32-token request lasts ~0.2 s and is seen in flight
    Profile slow = p.withTiming(new Profile.Timing(5_000, t.decodePerSeqMicros(), t.decodePerKvTokenNanos(), t.prefillBaseMicros(),
        t.prefillPerTokenMicros(), t.validationMicros(), t.tailMicros()));
    LoadEngine engine = new LoadEngine(system, EngineSettings.defaults());
    try (SimulatorServer sim = SimulatorServer.start(SimulatorConfig.loopback(slow));
        ReadinessServer health = ReadinessServer.start("0.0.0.0", 0, () -> true, () -> EngineMetrics.render(engine), TOKEN);
        ReadinessServer noToken = ReadinessServer.start("127.0.0.1", 0, () -> true, () -> EngineMetrics.render(engine), null)) {
      assertThat(scrape(health.port(), null).statusCode()).isEqualTo(401);
      assertThat(scrape(health.port(), "wrong").statusCode()).isEqualTo(401);
      HttpResponse<String> refused = scrape(noToken.port(), TOKEN);
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(refused.body()).contains("BARRAGE_METRICS_TOKEN");

      Target target = new Target("sim", ApiKind.TGI_STREAM, sim.baseUrl(), "m", null, null, null, null);
      Workload w = new Workload(new PromptSpec("hello there", null, null), List.of(32), new LoadSpec(List.of(4), null, null),
          new StepSpec(40, null, null), new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(30)), 42L);
      Load load = new Load.Concurrency(4);
      StepRequest step = new StepRequest("w1", new CellSpec(0, "sim/m32/c4", "sim", 32, load, 1), target, w, new LoadShare(4, 0, 0, 1, 40), 0, null);
      CompletableFuture<CellAggregate> done = CompletableFuture.supplyAsync(() -> {
        try {
          return LocalStep.run(engine, step, Duration.ofMillis(200), Duration.ofSeconds(90), x -> {});
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      AtomicBoolean sawBusy = new AtomicBoolean();
      await("the step to end, scraping meanwhile").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).until(() -> {
        Exposition e = PrometheusTextParser.parse(scrape(health.port(), TOKEN).body());
        if (value(e, "barrage_worker_requests_in_flight") > 0 && value(e, "barrage_worker_connections_open") > 0) sawBusy.set(true);
        return done.isDone();
      });
      CellAggregate result = done.get(1, TimeUnit.MINUTES);
      assertThat(sawBusy).as("a scrape saw requests in flight on open connections").isTrue();

      HttpResponse<String> end = scrape(health.port(), TOKEN);
      assertThat(end.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
      Exposition e = PrometheusTextParser.parse(end.body());
      assertThat(value(e, "barrage_worker_send_lag_seconds_count")).as("one send lag per request sent")
          .isEqualTo(result.ok() + result.errorCount());
      assertThat(value(e, "barrage_worker_event_loop_lag_seconds_count")).isPositive();
      assertThat(value(e, "barrage_worker_requests_in_flight")).isZero();
      assertThat(value(e, "barrage_worker_steps_running")).isZero();
      assertThat(value(e, "barrage_worker_event_loops")).isPositive();
    } finally {
      engine.close();
      system.terminate();
    }
  }
}
