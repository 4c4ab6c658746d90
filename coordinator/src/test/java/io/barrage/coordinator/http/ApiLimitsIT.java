package io.barrage.coordinator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.barrage.coordinator.node.CoordinatorNode;
import io.barrage.protocol.scenario.TestScenario;
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
class ApiLimitsIT {
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
    return TestScenario.named("api-limits").step(step).yaml();
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

  /**
   * Sends {@code head} and then {@code body} on a raw socket, and reads the answer's status line.
   * The body is sent only up to what the server reads before it answers, so its close never meets
   * unread bytes (which would reset the connection under the answer).
   */
  private String rawStatusLine(String head, byte[] body) throws Exception {
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(new java.net.InetSocketAddress("127.0.0.1", node.httpPort()), 5_000);
      s.setSoTimeout(30_000);
      java.io.OutputStream o = s.getOutputStream();
      o.write(head.getBytes(StandardCharsets.US_ASCII));
      o.write(body);
      o.flush();
      java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
      String status = in.readLine();
      StringBuilder rest = new StringBuilder();
      for (String l = in.readLine(); l != null; l = in.readLine()) rest.append(l).append('\n');
      return status + "\n" + rest;
    }
  }

  @Test
  void aBodyOverTheCapIsRefusedBeforeItIsParsed() throws Exception {
    String auth = "Authorization: Bearer " + TOKEN + "\r\nHost: 127.0.0.1\r\nContent-Type: application/yaml\r\n";
    // a body announced as far larger than the cap: refused from the head alone
    String declared = rawStatusLine("POST /api/runs HTTP/1.1\r\n" + auth + "Content-Length: " + (64 * 1024 * 1024) + "\r\n\r\n", new byte[0]);
    assertThat(declared).startsWith("HTTP/1.1 413").contains("at most 524288 bytes").contains("BARRAGE_MAX_SCENARIO_BYTES");
    // an 8 MB YAML comment (it used to take 20 s to parse), with and without a declared length: the
    // client sends it all and then reads a 413
    byte[] big = (scenario("{requests: 4}") + "#" + "x".repeat(8 * 1024 * 1024 - 1024) + "\n").getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> sized = post(HttpRequest.BodyPublishers.ofByteArray(big));
    assertThat(sized.statusCode()).as(sized.body()).isEqualTo(413);
    HttpResponse<String> chunked = post(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big)));
    assertThat(chunked.statusCode()).as(chunked.body()).isEqualTo(413);
    assertThat(node.runs().list()).isEmpty();
    // a scenario just under the cap is parsed as usual
    String fits = scenario("{requests: 4}") + "#" + "x".repeat(500 * 1024) + "\n";
    assertThat(post(HttpRequest.BodyPublishers.ofString(fits)).statusCode()).isEqualTo(202);
  }
}
