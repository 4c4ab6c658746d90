package io.barrage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.barrage.common.json.Mappers;
import io.barrage.coordinator.run.RunStatus;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A thin client of the coordinator's HTTP API ({@code docs/api.md}) for {@code barrage submit}: one
 * method per call, JSON read with Jackson, the bearer token on every {@code /api} request. Transport
 * failures are {@link IOException}s; HTTP answers are returned as they came, for the caller to judge.
 */
final class CoordinatorApi {
  private static final ObjectMapper JSON = Mappers.tolerant();

  /** An HTTP answer: status code and body. */
  record Answer(int status, String body) {
    JsonNode json() throws IOException {
      return JSON.readTree(body);
    }
  }

  private final URI base;
  private final String token;
  private final HttpClient http;

  /** @param base e.g. {@code http://barrage-api:8080}; a trailing slash is fine */
  CoordinatorApi(URI base, String token) {
    String b = base.toString();
    this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
    this.token = token;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  URI base() {
    return base;
  }

  /** {@code GET /ready}: true once the coordinator's cluster has formed. */
  boolean ready() throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(base.resolve("/ready")).GET(), false).status() == 200;
  }

  /** {@code POST /api/runs[?workers=N]} with the scenario text. */
  Answer submit(String scenarioYaml, Integer workers) throws IOException, InterruptedException {
    String q = workers == null ? "" : "?workers=" + URLEncoder.encode(workers.toString(), StandardCharsets.UTF_8);
    return send(HttpRequest.newBuilder(URI.create(base + "/api/runs" + q))
        .header("Content-Type", "application/yaml")
        .POST(HttpRequest.BodyPublishers.ofString(scenarioYaml, StandardCharsets.UTF_8)), true);
  }

  /** {@code GET /api/runs/{id}}. */
  Answer status(String runId) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + "/api/runs/" + URLEncoder.encode(runId, StandardCharsets.UTF_8))).GET(), true);
  }

  static RunStatus parseStatus(String json) throws IOException {
    return JSON.readValue(json, RunStatus.class);
  }

  private Answer send(HttpRequest.Builder b, boolean authorized) throws IOException, InterruptedException {
    b.timeout(Duration.ofSeconds(30));
    if (authorized) b.header("Authorization", "Bearer " + token);
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Answer(r.statusCode(), r.body());
  }
}
