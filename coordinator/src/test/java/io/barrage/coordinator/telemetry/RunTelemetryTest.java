package io.barrage.coordinator.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.barrage.coordinator.report.model.ServerSummary;
import io.barrage.protocol.results.ServerTelemetry;
import io.barrage.protocol.scenario.Scenario;
import io.barrage.protocol.scenario.ScenarioLoader;
import io.barrage.protocol.scenario.TargetSecrets;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Scraping against a real HTTP server on loopback that answers well, slowly, with broken text, with
 * a page over the bound, or not at all: the cell's telemetry says what is missing and why, and a
 * good endpoint's counters give exact deltas.
 */
class RunTelemetryTest {
  private HttpServer server;
  private final AtomicInteger tokens = new AtomicInteger();
  private final Map<String, String> seenAuth = new ConcurrentHashMap<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private String base;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool()); // the slow endpoint holds a thread per scrape
    server.createContext("/good/metrics", ex -> {
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      if (auth != null) seenAuth.put("good", auth);
      int n = tokens.addAndGet(10);
      respond(ex, "# TYPE tgi_queue_size gauge\ntgi_queue_size 3\n# TYPE tgi_batch_current_size gauge\ntgi_batch_current_size 4\n"
          + "# TYPE tgi_request_generated_tokens histogram\ntgi_request_generated_tokens_bucket{le=\"+Inf\"} " + n / 10 + "\n"
          + "tgi_request_generated_tokens_sum " + n + "\ntgi_request_generated_tokens_count " + n / 10 + "\n"
          + "# TYPE some_other_metric counter\nsome_other_metric{a=\"b\"} 7\n");
    });
    server.createContext("/slow/metrics", ex -> {
      try {
        release.await(20, TimeUnit.SECONDS); // answers only when the test ends
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      respond(ex, "x 1\n");
    });
    server.createContext("/malformed/metrics", ex -> respond(ex, "# TYPE x gauge\nx{a=\"1\" 2\n"));
    server.createContext("/huge/metrics", ex -> {
      StringBuilder b = new StringBuilder();
      for (int i = 0; b.length() < 300_000; i++) b.append("series_").append(i).append(" 1\n");
      respond(ex, b.toString());
    });
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
  }

  private static void respond(com.sun.net.httpserver.HttpExchange ex, String body) throws java.io.IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
    ex.sendResponseHeaders(200, b.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(b);
    }
  }

  private Scenario scenario() throws Exception {
    String yaml = "name: t\ntargets:\n"
        + "  - {name: good, api: tgi-stream, url: \"" + base + "/good\", auth: {env: TOKEN}, metrics: {url: \"" + base + "/good/metrics\", interval: 200ms}}\n"
        + "  - {name: down, api: tgi-stream, url: \"http://127.0.0.1:9\", metrics: {interval: 200ms}}\n"
        + "  - {name: slow, api: tgi-stream, url: \"" + base + "/slow\", metrics: {interval: 200ms}}\n"
        + "  - {name: malformed, api: tgi-stream, url: \"" + base + "/malformed\", metrics: {interval: 200ms}}\n"
        + "  - {name: huge, api: tgi-stream, url: \"" + base + "/huge\", metrics: {interval: 200ms}}\n"
        + "  - {name: off, api: tgi-stream, url: \"" + base + "/good\", metrics: false}\n"
        + "workload: {prompt: {text: hi}, maxNewTokens: [8], load: {concurrency: [1]}, step: {requests: 1}}\n";
    return ScenarioLoader.parse(yaml, null);
  }

  /** Runs one cell per target for about a second and returns what was scraped. */
  private Map<String, ServerTelemetry> runCells(RunTelemetry t, String... targets) throws Exception {
    for (String target : targets) t.cellStarted(target + "/c1", target);
    await("five scrapes of the good endpoint").atMost(Duration.ofSeconds(30)).until(() -> t.forCell("good/c1").samples().size() >= 5);
    for (String target : targets) t.cellEnded(target + "/c1");
    t.drained().get(30, TimeUnit.SECONDS);
    Map<String, ServerTelemetry> out = new ConcurrentHashMap<>();
    for (String target : targets) {
      ServerTelemetry s = t.forCell(target + "/c1");
      if (s != null) out.put(target, s);
    }
    return out;
  }

  @Test
  void aGoodEndpointGivesExactCounterDeltasAndEachBadOneSaysWhatWasMissingAndWhy() throws Exception {
    try (RunTelemetry t = new RunTelemetry(scenario(), TargetSecrets.parse(null), name -> "s3cret", 64 * 1024, Duration.ofMillis(500))) {
      Map<String, ServerTelemetry> cells = runCells(t, "good", "down", "slow", "malformed", "huge", "off");

      assertThat(cells).doesNotContainKey("off");
      ServerTelemetry good = cells.get("good");
      assertThat(good.stack()).isEqualTo("tgi");
      ServerTelemetry.Endpoint ge = good.endpoints().get(0);
      // on a loaded machine a scrape may overrun the 200 ms interval and the next be skipped: counted, never lost
      assertThat(ge.ok()).isEqualTo(good.samples().size()).isGreaterThanOrEqualTo(5);
      assertThat(ge.ok() + ge.missing()).isEqualTo(ge.attempts());
      assertThat(ge.errors()).allSatisfy(e -> assertThat(e).matches("(skipped|timeout).*"));
      // every scrape adds 10 tokens: the increase over the cell is 10 × (scrapes − 1), exactly
      ServerSummary summary = ServerSummaries.of(good, 10L * (ge.ok() - 1), null, 0, 1.5);
      assertThat(summary.tokensGenerated()).isEqualTo(10L * (ge.ok() - 1));
      assertThat(summary.tokenCheck().match()).isTrue();
      assertThat(summary.series().get("requestsWaiting").mean()).isEqualTo(3.0);
      assertThat(summary.series().get("batchSize").max()).isEqualTo(4.0);
      assertThat(summary.raw()).containsEntry("some_other_metric{a=\"b\"}", 7.0);
      // loopback with nothing declared: the target's auth.env credential may go there (ADR 0200)
      assertThat(seenAuth.get("good")).isEqualTo("Bearer s3cret");
      assertThat(ge.credentialNote()).startsWith("credential sent");

      assertMissingAll(cells.get("down"), "connect");
      assertMissingAll(cells.get("malformed"), "malformed: line 2: expected ',' or '}'");
      assertMissingAll(cells.get("huge"), "body over 65536 bytes");
      ServerTelemetry slow = cells.get("slow");
      assertThat(slow.samples()).isEmpty();
      assertThat(slow.endpoints().get(0).errors()).anySatisfy(e -> assertThat(e).startsWith("timeout"));
      assertThat(slow.endpoints().get(0).missing()).isEqualTo(slow.endpoints().get(0).attempts()).isGreaterThanOrEqualTo(2);
      assertThat(ServerSummaries.of(slow, 0, null, 0, null).endpoints().get(0).missing()).isGreaterThanOrEqualTo(2);
    }
  }

  private static void assertMissingAll(ServerTelemetry t, String error) {
    ServerTelemetry.Endpoint e = t.endpoints().get(0);
    assertThat(t.samples()).isEmpty();
    assertThat(e.ok()).isZero();
    assertThat(e.attempts()).isGreaterThanOrEqualTo(2);
    assertThat(e.errors()).anySatisfy(x -> assertThat(x).contains(error));
  }

  @Test
  void aCredentialGoesOnlyWhereTheSecretsRuleAllowsIt() throws Exception {
    // declared for another host only: the metrics endpoint on loopback must not get it
    try (RunTelemetry t = new RunTelemetry(scenario(), TargetSecrets.parse("TOKEN=api.example.com"), name -> "s3cret", 64 * 1024,
        Duration.ofMillis(500))) {
      Map<String, ServerTelemetry> cells = runCells(t, "good");
      assertThat(seenAuth).isEmpty();
      assertThat(cells.get("good").endpoints().get(0).credentialNote())
          .startsWith("credential not sent: auth: environment variable TOKEN may not be sent to 127.0.0.1")
          .doesNotContain("s3cret");
    }
  }
}
