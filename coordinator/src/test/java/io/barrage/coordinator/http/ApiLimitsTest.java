package io.barrage.coordinator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.barrage.coordinator.node.CoordinatorNode;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scenarios posted to the API that used to cost a 500, minutes of parsing or a stuck run. */
class ApiLimitsTest {
  static final String TOKEN = "limits-token";

  @TempDir Path out;
  private CoordinatorNode node;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private String base;

  @BeforeEach
  void start() {
    node = CoordinatorNode.start(new CoordinatorNode.Settings("127.0.0.1", "127.0.0.1", 0, 0, "127.0.0.1", false, TOKEN, out, out),
        (run, dir) -> {});
    base = "http://127.0.0.1:" + node.httpPort();
  }

  @AfterEach
  void stop() {
    node.close();
  }

  private HttpResponse<String> post(HttpRequest.BodyPublisher body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + "/api/runs")).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + TOKEN).POST(body).build(), HttpResponse.BodyHandlers.ofString());
  }

  static String scenario(String step) {
    return """
        name: api-limits
        targets:
          - {name: a, api: tgi-stream, url: "http://127.0.0.1:9"}
        workload:
          prompt: {text: hello}
          maxNewTokens: [16]
          load: {concurrency: [2]}
          step: %s
        """.formatted(step);
  }

  @Test
  void anOverflowingDurationIsABadRequestNamingItsPathNotAServerError() throws Exception {
    for (String d : new String[] {"10000000h", "0.0000000001s"}) {
      HttpResponse<String> r = post(HttpRequest.BodyPublishers.ofString(scenario("{duration: " + d + "}")));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
      JsonNode body = new ObjectMapper().readTree(r.body());
      assertThat(body.at("/problems/0/path").asText()).isEqualTo("workload.step.duration");
    }
    assertThat(node.runs().list()).isEmpty();
  }

  @Test
  void aBodyOverTheCapIsRefusedBeforeItIsParsed() throws Exception {
    // an 8 MB YAML comment used to take 20 s to parse
    byte[] big = (scenario("{requests: 4}") + "#" + "x".repeat(8 * 1024 * 1024) + "\n").getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> declared = post(HttpRequest.BodyPublishers.ofByteArray(big));
    assertThat(declared.statusCode()).as(declared.body()).isEqualTo(413);
    assertThat(declared.body()).contains("at most 524288 bytes").contains("BARRAGE_MAX_SCENARIO_BYTES");
    // the same without a declared length (chunked): refused once the cap is passed
    HttpResponse<String> chunked = post(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)));
    assertThat(chunked.statusCode()).as(chunked.body()).isEqualTo(413);
    assertThat(node.runs().list()).isEmpty();
    // a scenario just under the cap is parsed as usual
    String fits = scenario("{requests: 4}") + "#" + "x".repeat(500 * 1024) + "\n";
    assertThat(post(HttpRequest.BodyPublishers.ofString(fits)).statusCode()).isEqualTo(202);
  }
}
