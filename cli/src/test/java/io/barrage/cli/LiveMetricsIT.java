package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.barrage.common.prometheus.Exposition;
import io.barrage.common.prometheus.PrometheusTextParser;
import io.barrage.common.prometheus.Sample;
import io.barrage.coordinator.report.ResultSet;
import io.barrage.coordinator.report.model.CellSummary;
import io.barrage.coordinator.run.RunOrder;
import io.barrage.coordinator.run.Runs;
import io.barrage.protocol.results.RunRecord;
import io.barrage.protocol.scenario.ScenarioLoader;
import io.barrage.protocol.scenario.TestScenario;
import io.barrage.simulator.Profile;
import io.barrage.simulator.Profiles;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import io.barrage.simulator.telemetry.StackMetrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.nio.file.Files;
import com.fasterxml.jackson.databind.JsonNode;
import io.barrage.common.json.Mappers;
import io.barrage.worker.engine.EngineMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live coordinator's {@code GET /metrics} scraped during a real run against the simulator and
 * read with the strict parser: the run shows while it runs (phase, the running cell, requests in
 * flight, counters that only grow), and once it ended every counter equals what summary.json says
 * of the same cell.
 */
class LiveMetricsIT {
  private static final String TOKEN = "live-metrics-it-token";

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private HttpResponse<String> scrape(int port, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10));
    if (token != null) b.header("Authorization", "Bearer " + token);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static double sum(Exposition e, String name, String... labels) {
    return e.samples(name).stream().filter(s -> has(s, labels)).mapToDouble(Sample::value).sum();
  }

  private static boolean has(Sample s, String... labels) {
    for (int i = 0; i < labels.length; i += 2) if (!labels[i + 1].equals(s.label(labels[i]))) return false;
    return true;
  }

  @Test
  void aScrapeDuringARunShowsItAndAtTheEndEqualsTheSummary() throws Exception {
    // tgi-fast with 5% of requests failing at once (424): errors to count beside the successes
    // 5 ms decode steps: a 48-token request lasts ~0.25 s, long enough to be seen in flight
    Profile p = Profiles.get(Profiles.TGI_FAST);
    Profile.Timing t = p.timing();
    Profile faulty = p.withTiming(new Profile.Timing(5_000, t.decodePerSeqMicros(), t.decodePerKvTokenNanos(), t.prefillBaseMicros(),
            t.prefillPerTokenMicros(), t.validationMicros(), t.tailMicros()))
        .withFaults(new Profile.Faults(0.05, 0, 0, Duration.ZERO, 0, 1, Duration.ZERO));
    try (SimulatorServer sim = SimulatorServer.start(SimulatorConfig.loopback(faulty));
        LocalCluster cluster = LocalCluster.start(0, dir.resolve("logs"), 0, TOKEN)) {
      int port = cluster.coordinator().httpPort();
      String yaml = TestScenario.named("live-metrics").target("sim", sim.baseUrl()).maxNewTokens("[48]")
          .load("{concurrency: [2, 4]}").step("{requests: 40}").yaml();
      RunOrder order = new RunOrder("live1", ScenarioLoader.parse(yaml, null), yaml, null, dir.resolve("run"), 1);
      CompletableFuture<RunRecord> finished = ((Runs.Submitted.Accepted) cluster.coordinator().runs().submit(order)).finished();

      assertThat(scrape(port, null).statusCode()).as("no token, no metrics").isEqualTo(401);
      List<Exposition> during = new ArrayList<>();
      await("the run to end, scraping /metrics meanwhile").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
        HttpResponse<String> r = scrape(port, TOKEN);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain").contains("version=0.0.4");
        during.add(PrometheusTextParser.parse(r.body()));
        return finished.isDone();
      });
      finished.get(1, TimeUnit.MINUTES);

      long seenRunning = during.stream().filter(e -> sum(e, "barrage_run_phase", "phase", "running") == 1
          && sum(e, "barrage_cell_running", "run", "live1", "target", "sim") == 1
          && sum(e, "barrage_requests_in_flight", "target", "sim") > 0
          && sum(e, "barrage_cell_progress_ratio") > 0 && sum(e, "barrage_cell_progress_ratio") <= 1).count();
      assertThat(seenRunning).as("scrapes (of %d) that saw a cell running with requests in flight", during.size()).isPositive();
      double before = -1;
      for (Exposition e : during) {
        double ok = sum(e, "barrage_requests_ok_total");
        assertThat(ok).as("a counter never goes down within a run").isGreaterThanOrEqualTo(before);
        before = ok;
      }

      // once results are written the last status is FINISHED; the series stay until the next run
      await("the final status").atMost(Duration.ofSeconds(30))
          .until(() -> sum(PrometheusTextParser.parse(scrape(port, TOKEN).body()), "barrage_run_phase", "phase", "finished") == 1);
      await("the latencies counted").atMost(Duration.ofSeconds(30)).until(() -> cluster.coordinator().liveMetrics().pendingHistograms() == 0);
      Exposition end = PrometheusTextParser.parse(scrape(port, TOKEN).body());
      List<CellSummary> cells = ResultSet.read(dir.resolve("run")).summary().targets().get(0).cells();
      assertThat(cells).hasSize(2);
      long okTotal = 0;
      long errorTotal = 0;
      for (CellSummary c : cells) {
        String[] cell = {"run", "live1", "target", "sim", "cell", c.id()};
        assertThat(sum(end, "barrage_requests_ok_total", cell)).as(c.id() + " ok").isEqualTo(c.requests().ok());
        assertThat(sum(end, "barrage_requests_failed_total", cell)).as(c.id() + " errors").isEqualTo(c.requests().errorTotal());
        c.requests().errors().forEach((cls, n) ->
            assertThat(sum(end, "barrage_requests_failed_total", "cell", c.id(), "error_class", cls)).as(c.id() + " " + cls).isEqualTo(n.doubleValue()));
        assertThat(sum(end, "barrage_output_tokens_total", cell)).as(c.id() + " tokens").isEqualTo(c.outputTokens());
        assertThat(sum(end, "barrage_requests_started_total", cell)).as("sent, warm-up included")
            .isGreaterThanOrEqualTo(c.requests().ok() + c.requests().errorTotal());
        okTotal += c.requests().ok();
        errorTotal += c.requests().errorTotal();
      }
      assertThat(errorTotal).as("the injected faults were counted").isPositive();
      assertThat(sum(end, "barrage_ttft_seconds_count", "target", "sim")).as("one TTFT per ok request").isEqualTo(okTotal);
      assertThat(sum(end, "barrage_e2e_seconds_count", "target", "sim")).isEqualTo(okTotal);
      assertThat(sum(end, "barrage_ttft_seconds_bucket", "target", "sim", "le", "+Inf")).isEqualTo(okTotal);
      assertThat(sum(end, "barrage_worker_events_total", "kind", "joined")).isGreaterThanOrEqualTo(1);

      // every series the chart's Grafana dashboard queries is in a live scrape: the coordinator's
      // (during or after the run), the run's worker engine's, or a simulated stack's own (TGI's and
      // vLLM's names) and its DCGM exporter's
      Set<String> live = new TreeSet<>();
      during.forEach(e -> e.samples().forEach(s -> live.add(s.name())));
      end.samples().forEach(s -> live.add(s.name()));
      PrometheusTextParser.parse(EngineMetrics.render(cluster.inProcessEngine())).samples().forEach(s -> live.add(s.name()));
      for (String path : new String[] {"/metrics", "/dcgm/metrics"}) {
        HttpResponse<String> server = http.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + path)).build(), HttpResponse.BodyHandlers.ofString());
        PrometheusTextParser.parse(server.body()).samples().forEach(s -> live.add(s.name()));
      }
      try (SimulatorServer vllm = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST).withMetricsNames(StackMetrics.VLLM))) {
        HttpResponse<String> server = http.send(HttpRequest.newBuilder(URI.create(vllm.baseUrl() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        PrometheusTextParser.parse(server.body()).samples().forEach(s -> live.add(s.name()));
      }
      Set<String> queried = dashboardSeries();
      assertThat(queried).as("the dashboard queries barrage's and the server's series").contains("barrage_ttft_seconds_bucket", "tgi_queue_size", "vllm:num_requests_waiting", "DCGM_FI_DEV_POWER_USAGE");
      assertThat(live).as("series scraped live").containsAll(queried);
    }
  }

  /** The series names in the chart's dashboard: its panels' expressions and its variables' queries. */
  static Set<String> dashboardSeries() throws Exception {
    Path file = null;
    for (Path d = Path.of("").toAbsolutePath(); d != null && file == null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("helm/barrage/dashboards/barrage.json"))) file = d.resolve("helm/barrage/dashboards/barrage.json");
    }
    assertThat(file).as("helm/barrage/dashboards/barrage.json above the working directory").isNotNull();
    JsonNode dashboard = Mappers.strict().readTree(Files.readString(file));
    List<String> queries = new ArrayList<>();
    dashboard.findValues("expr").forEach(n -> queries.add(n.asText()));
    dashboard.path("templating").path("list").forEach(v -> queries.add(v.path("query").path("query").asText()));
    Set<String> names = new TreeSet<>();
    Matcher m = SERIES.matcher(String.join("\n", queries));
    while (m.find()) names.add(m.group());
    return names;
  }

  /** barrage's series, the serving stacks' (TGI's names, vLLM's with their colon) and DCGM's. */
  private static final Pattern SERIES = Pattern.compile("\\b(?:barrage|tgi|vllm|DCGM)[_:][A-Za-z0-9_:]+");
}
