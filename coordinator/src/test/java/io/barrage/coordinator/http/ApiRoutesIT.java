package io.barrage.coordinator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.barrage.coordinator.node.CoordinatorNode;
import io.barrage.coordinator.run.FakeWorker;
import io.barrage.protocol.metrics.Histograms;
import io.barrage.protocol.results.RunRecord;
import io.barrage.protocol.scenario.TestScenario;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.typed.Props;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiRoutesIT {
  static final String TOKEN = "s3cret-token";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path out;
  private CoordinatorNode node;
  private final List<RunRecord> written = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private String base;

  @BeforeEach
  void start() {
    node = CoordinatorNode.start(
        new CoordinatorNode.Settings("127.0.0.1", "127.0.0.1", 0, 0, "127.0.0.1", false, TOKEN, out, out),
        (run, dir) -> {
          Files.createDirectories(dir);
          Files.writeString(dir.resolve("summary.json"), "{}");
          written.add(run);
        });
    base = "http://127.0.0.1:" + node.httpPort();
  }

  @AfterEach
  void stop() {
    node.close();
  }

  private HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) b.header("Authorization", "Bearer " + token);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static final String GOOD = TestScenario.named("api-test").step("{duration: 20s}").yaml();

  @Test
  void healthIsOpenButTheApiNeedsTheBearerToken() throws Exception {
    assertThat(send("GET", "/healthz", null, null).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/", null, null).body()).contains("barrage coordinator").doesNotContain("https://");
    var none = send("GET", "/api/runs", null, null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).isPresent();
    assertThat(send("GET", "/api/runs", "wrong", null).statusCode()).isEqualTo(401);
    assertThat(send("POST", "/api/runs", null, GOOD).statusCode()).isEqualTo(401);
    assertThat(send("GET", "/api/runs", TOKEN, null).statusCode()).isEqualTo(200);
    assertThat(node.runs().list()).isEmpty(); // the refused POST started nothing
  }

  @Test
  void theClusterIsReadyOnceFormed() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    int status;
    do {
      status = send("GET", "/ready", null, null).statusCode();
    } while (status != 200 && System.nanoTime() < deadline);
    assertThat(status).isEqualTo(200);
  }

  @Test
  void aBadScenarioIsRefusedWithEveryProblem() throws Exception {
    String bad = """
        name: bad
        targets:
          - {name: a, api: grpc, url: "ftp://x"}
        workload:
          prompt: {text: hello}
          maxNewTokens: [0]
          load: {concurrency: [2]}
          step: {requests: 0}
        """;
    var r = send("POST", "/api/runs", TOKEN, bad);
    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("error").asText()).isEqualTo("invalid scenario");
    assertThat(body.get("problems")).isNotEmpty();
    List<String> paths = new ArrayList<>();
    body.get("problems").forEach(p -> paths.add(p.get("path").asText()));
    assertThat(paths).isNotEmpty();
    var garbage = send("POST", "/api/runs", TOKEN, "name: [unclosed");
    assertThat(garbage.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(garbage.body()).get("problems").get(0).get("message").asText()).contains("YAML");
  }

  @Test
  void aPostedRunStreamsItsProgressAndCanBeStopped() throws Exception {
    node.system().systemActorOf(FakeWorker.create(0, true, Histograms.create(), FakeWorker.newOrderLog(), new long[1]), "w0", Props.empty());
    var r = send("POST", "/api/runs", TOKEN, GOOD);
    assertThat(r.statusCode()).isEqualTo(202);
    String id = JSON.readTree(r.body()).get("id").asText();
    assertThat(send("POST", "/api/runs", TOKEN, GOOD).statusCode()).isEqualTo(409); // one run at a time

    HttpRequest sse = HttpRequest.newBuilder(URI.create(base + "/api/runs/" + id + "/events"))
        .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(60)).build();
    HttpResponse<InputStream> stream = http.send(sse, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    List<JsonNode> events = new ArrayList<>();
    boolean stopSent = false;
    try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (!line.startsWith("data:")) continue;
        JsonNode s = JSON.readTree(line.substring(5));
        events.add(s);
        if (!stopSent && s.get("requestsDone").asLong() > 0) {
          assertThat(send("GET", "/api/runs/" + id, TOKEN, null).statusCode()).isEqualTo(200);
          assertThat(send("DELETE", "/api/runs/" + id, TOKEN, null).statusCode()).isEqualTo(202);
          stopSent = true;
        }
      }
    }
    JsonNode last = events.get(events.size() - 1);
    assertThat(last.get("phase").asText()).isEqualTo("FINISHED");
    assertThat(last.get("outcome").asText()).isEqualTo("aborted");
    assertThat(last.get("message").asText()).contains("stopped through the API");
    assertThat(events).anyMatch(e -> e.get("phase").asText().equals("RUNNING") && e.get("workers").size() == 1);
    assertThat(written).hasSize(1);
    assertThat(out.resolve(id).resolve("summary.json")).exists();
    assertThat(send("GET", "/api/runs/nope", TOKEN, null).statusCode()).isEqualTo(404);
  }
}
