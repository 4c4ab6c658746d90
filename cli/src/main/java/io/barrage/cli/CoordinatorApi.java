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
import java.nio.file.Path;
import java.time.Duration;

/**
 * A thin client of the coordinator's HTTP API ({@code docs/api.md}) for {@code barrage submit} and
 * {@code barrage fetch}: one
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

  /** {@code --api URL} checked: an http:// or https:// URL with a host, else IllegalArgumentException naming it. */
  static URI baseUri(String api) {
    try {
      URI base = new URI(api);
      if (base.getScheme() != null && base.getScheme().matches("https?") && base.getHost() != null) return base;
    } catch (java.net.URISyntaxException e) {
      // below
    }
    throw new IllegalArgumentException("--api '" + api + "' is not an http:// or https:// URL");
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

  /** {@code GET /api/runs/{id}/files}: the run's file list. */
  Answer files(String runId) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(URI.create(base + "/api/runs/" + segment(runId) + "/files")).GET(), true);
  }

  /**
   * {@code GET /api/runs/{id}/files/{name}} streamed into {@code target} (created or replaced);
   * returns the status code (the file holds the error body when it is not 200).
   */
  int download(String runId, String name, Path target) throws IOException, InterruptedException {
    StringBuilder path = new StringBuilder();
    for (String seg : name.split("/", -1)) path.append('/').append(segment(seg));
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/runs/" + segment(runId) + "/files" + path)).GET()
        .timeout(Duration.ofMinutes(10)).header("Authorization", "Bearer " + token);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofFile(target)).statusCode();
  }

  /** One path segment, percent-encoded (a space as {@code %20}, not {@code +}). */
  private static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
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
