package io.barrage.coordinator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.barrage.coordinator.node.CoordinatorNode;
import io.barrage.coordinator.run.RunHooks;
import io.barrage.protocol.scenario.TargetAllowList;
import io.barrage.protocol.scenario.TestScenario;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A submitter tries to point the cluster at a host outside {@code --allow-targets}, and to probe the
 * coordinator's file system through {@code workload.prompt.dataset}: both are refused at submission.
 */
class ApiAllowTargetsIT {
  static final String TOKEN = "s3cret-token";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path out;
  private CoordinatorNode node;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private String base;

  @BeforeEach
  void start() throws Exception {
    Files.createDirectories(out.resolve("scenarios"));
    node = CoordinatorNode.start(
        new CoordinatorNode.Settings("127.0.0.1", "127.0.0.1", 0, 0, "127.0.0.1", false, TOKEN, out, out.resolve("scenarios")),
        (run, dir) -> Files.createDirectories(dir), RunHooks.NONE, 1, TargetAllowList.parse("127.0.0.1:9, *.inference.internal"));
    base = "http://127.0.0.1:" + node.httpPort();
  }

  @AfterEach
  void stop() {
    node.close();
  }

  private HttpResponse<String> post(String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + "/api/runs")).timeout(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String scenario(String url, String prompt) {
    return TestScenario.named("allow").target("a", url).prompt(prompt).load("{concurrency: [1]}").step("{duration: 20s}").yaml();
  }

  @Test
  void aTargetOutsideTheAllowListIsRefusedAtSubmission() throws Exception {
    for (String url : new String[] {"http://169.254.169.254/latest", "http://127.0.0.1:10", "http://evil.example.com"}) {
      var r = post(scenario(url, "{text: hello}"));
      assertThat(r.statusCode()).as(url).isEqualTo(400);
      JsonNode problem = JSON.readTree(r.body()).get("problems").get(0);
      assertThat(problem.get("path").asText()).isEqualTo("targets[0].url");
      assertThat(problem.get("message").asText()).contains(URI.create(url).getHost()).contains("not an allowed target");
    }
    assertThat(node.runs().list()).isEmpty();
    // inside the list: accepted
    assertThat(post(scenario("http://gpu-1.inference.internal:8000", "{text: hello}")).statusCode()).isEqualTo(202);
  }

  @Test
  void aDatasetOutsideTheScenarioDirectoryReadsLikeAMissingOne() throws Exception {
    Files.writeString(out.resolve("exists.jsonl"), "{\"prompt\":\"a\"}\n"); // one level above the scenario directory
    String missing = problem(post(scenario("http://127.0.0.1:9", "{dataset: nope.jsonl}")));
    String dotdot = problem(post(scenario("http://127.0.0.1:9", "{dataset: ../exists.jsonl}")));
    String absolute = problem(post(scenario("http://127.0.0.1:9", "{dataset: \"" + out.resolve("exists.jsonl") + "\"}")));
    assertThat(missing).isEqualTo("nope.jsonl is not a readable file under the scenario directory or a directory in BARRAGE_FILE_DIRS");
    assertThat(dotdot).isEqualTo(missing.replace("nope.jsonl", "../exists.jsonl"));
    assertThat(absolute).isEqualTo(missing.replace("nope.jsonl", out.resolve("exists.jsonl").toString()));
  }

  private static String problem(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).isEqualTo(400);
    for (JsonNode p : JSON.readTree(r.body()).get("problems")) {
      if (p.get("path").asText().equals("workload.prompt.dataset")) return p.get("message").asText();
    }
    throw new AssertionError("no dataset problem in " + r.body());
  }
}
