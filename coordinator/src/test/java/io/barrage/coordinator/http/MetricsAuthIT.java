package io.barrage.coordinator.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.common.prometheus.PrometheusTextParser;
import io.barrage.coordinator.node.CoordinatorNode;
import io.barrage.protocol.wire.ClusterSecurity;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} of a coordinator whose API listens on every interface (0.0.0.0, as in the
 * chart): refused without a token or with a wrong one, served to the API token and to the read-only
 * metrics token, which opens nothing else.
 */
class MetricsAuthIT {
  private static final String API = "api-token-of-this-test";
  private static final String METRICS = "metrics-token-of-this-test";

  @TempDir Path out;
  private CoordinatorNode node;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void start() {
    node = CoordinatorNode.start(new CoordinatorNode.Settings("127.0.0.1", "127.0.0.1", 0, 0, "0.0.0.0", false, API, out, out,
        ClusterSecurity.LOOPBACK_ONLY, METRICS), (run, dir) -> {});
  }

  @AfterEach
  void stop() {
    node.close();
  }

  private HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path)).timeout(Duration.ofSeconds(10));
    if (token != null) b.header("Authorization", "Bearer " + token);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void metricsBeyondLoopbackNeedTheApiOrTheMetricsToken() throws Exception {
    HttpResponse<String> none = get("/metrics", null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(none.body()).doesNotContain("barrage_");
    assertThat(get("/metrics", "wrong").statusCode()).isEqualTo(401);

    for (String token : new String[] {API, METRICS}) {
      HttpResponse<String> ok = get("/metrics", token);
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=UTF-8");
      assertThat(PrometheusTextParser.parse(ok.body()).family("barrage_requests_ok_total")).isPresent();
    }
    assertThat(get("/api/runs", METRICS).statusCode()).as("the metrics token is read-only").isEqualTo(401);
  }
}
