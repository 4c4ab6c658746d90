package io.barrage.coordinator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.barrage.coordinator.node.CoordinatorNode;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
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
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The result-file routes on a real coordinator, with result directories written before it started. */
class ResultRoutesIT {
  static final String TOKEN = "files-token";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  Path out;
  Path outside;
  byte[] bigHistogram;
  private CoordinatorNode node;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private String base;

  @BeforeEach
  void start() throws Exception {
    out = Files.createDirectories(tmp.resolve("results"));
    outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), "not yours");
    RunFilesTest.run(out, "20260101-100000", "2026-01-01T10:00:00Z", "completed");
    RunFilesTest.run(out, "a1b2c3d4", "2026-03-01T10:00:00Z", "aborted");
    bigHistogram = new byte[3 * 1024 * 1024 + 17];
    new Random(7).nextBytes(bigHistogram);
    Files.write(out.resolve("a1b2c3d4/histograms/big.hlog"), bigHistogram);
    Files.createSymbolicLink(out.resolve("a1b2c3d4/leak.txt"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(out.resolve("linked"), outside);
    node = CoordinatorNode.start(new CoordinatorNode.Settings("127.0.0.1", "127.0.0.1", 0, 0, "127.0.0.1", false, TOKEN, out, out),
        (run, dir) -> {});
    base = "http://127.0.0.1:" + node.httpPort();
  }

  @AfterEach
  void stop() {
    node.close();
  }

  private HttpResponse<byte[]> get(String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET();
    if (token != null) b.header("Authorization", "Bearer " + token);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  /** The request line sent exactly as written (no client normalises its path), and the status code answered. */
  private int rawStatus(String path, String token) throws Exception {
    try (Socket s = new Socket("127.0.0.1", node.httpPort())) {
      s.setSoTimeout(10_000);
      OutputStream o = s.getOutputStream();
      o.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      o.flush();
      String head = new String(s.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);
      return Integer.parseInt(head.substring(9, 12));
    }
  }

  @Test
  void everyResultRouteNeedsTheToken() throws Exception {
    for (String path : List.of("/api/runs", "/api/runs/a1b2c3d4/files", "/api/runs/a1b2c3d4/files/summary.json", "/api/runs/a1b2c3d4/archive")) {
      assertThat(get(path, null).statusCode()).as(path).isEqualTo(401);
      HttpResponse<byte[]> wrong = get(path, "wrong-token");
      assertThat(wrong.statusCode()).as(path).isEqualTo(401);
      assertThat(text(wrong)).doesNotContain("completed").doesNotContain("hlog");
    }
  }

  @Test
  void pastRunsAreListedNewestFirstWithOutcomeAndTime() throws Exception {
    HttpResponse<byte[]> r = get("/api/runs", TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode list = JSON.readTree(r.body());
    List<String> ids = new ArrayList<>();
    list.forEach(n -> ids.add(n.get("runId").asText()));
    assertThat(ids).containsExactly("a1b2c3d4", "20260101-100000"); // the link to a directory outside is not a run
    assertThat(list.get(0).get("phase").asText()).isEqualTo("FINISHED");
    assertThat(list.get(0).get("outcome").asText()).isEqualTo("aborted");
    assertThat(list.get(0).get("scenario").asText()).isEqualTo("sc-a1b2c3d4");
    assertThat(list.get(0).get("startedAtEpochMs").asLong()).isEqualTo(java.time.Instant.parse("2026-03-01T10:00:00Z").toEpochMilli());
    HttpResponse<byte[]> one = get("/api/runs/20260101-100000", TOKEN);
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(one.body()).get("outcome").asText()).isEqualTo("completed");
    HttpResponse<String> stop = http.send(HttpRequest.newBuilder(URI.create(base + "/api/runs/20260101-100000")).DELETE()
        .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(stop.statusCode()).isEqualTo(409); // a run from the directory has ended
  }

  @Test
  void aRunsFilesAreListedAndDownloadedWithTheirContentTypes() throws Exception {
    HttpResponse<byte[]> r = get("/api/runs/a1b2c3d4/files", TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    List<String> names = new ArrayList<>();
    JSON.readTree(r.body()).get("files").forEach(f -> names.add(f.get("name").asText()));
    assertThat(names).containsExactly("histograms/big.hlog", "histograms/tgi_m128_c1_ttft.hlog", "report.html", "results.csv", "summary.json");

    HttpResponse<byte[]> summary = get("/api/runs/a1b2c3d4/files/summary.json", TOKEN);
    assertThat(summary.statusCode()).isEqualTo(200);
    assertThat(summary.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(summary.body()).isEqualTo(Files.readAllBytes(out.resolve("a1b2c3d4/summary.json")));
    assertThat(get("/api/runs/a1b2c3d4/files/results.csv", TOKEN).headers().firstValue("Content-Type")).hasValue("text/csv; charset=UTF-8");
    HttpResponse<byte[]> report = get("/api/runs/a1b2c3d4/files/report.html", TOKEN);
    assertThat(report.headers().firstValue("Content-Type")).hasValue("text/html; charset=UTF-8");
    assertThat(report.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v).startsWith("sandbox"));
    HttpResponse<byte[]> big = get("/api/runs/a1b2c3d4/files/histograms/big.hlog", TOKEN);
    assertThat(big.statusCode()).isEqualTo(200);
    assertThat(big.headers().firstValue("Content-Type")).hasValue("text/plain; charset=UTF-8");
    assertThat(big.body()).isEqualTo(bigHistogram);
    // an encoded '/' inside a listed name is the same name
    assertThat(get("/api/runs/a1b2c3d4/files/histograms%2Fbig.hlog", TOKEN).body()).isEqualTo(bigHistogram);
  }

  @Test
  void traversalAttemptsFindNothing() throws Exception {
    List<String> attempts = List.of(
        "/api/runs/a1b2c3d4/files/../../outside/secret.txt",
        "/api/runs/a1b2c3d4/files/%2e%2e/%2e%2e/outside/secret.txt",
        "/api/runs/a1b2c3d4/files/%2e%2e%2f%2e%2e%2foutside%2fsecret.txt",
        "/api/runs/a1b2c3d4/files/..%2F..%2Foutside%2Fsecret.txt",
        "/api/runs/a1b2c3d4/files//etc/passwd",
        "/api/runs/a1b2c3d4/files/%2Fetc%2Fpasswd",
        "/api/runs/a1b2c3d4/files/" + URI.create("file://" + outside.resolve("secret.txt")).getPath(),
        "/api/runs/a1b2c3d4/files/leak.txt",
        "/api/runs/a1b2c3d4/files/",
        "/api/runs/../outside/files/secret.txt",
        "/api/runs/%2e%2e/files/outside/secret.txt",
        "/api/runs/..%2Foutside/files/secret.txt",
        "/api/runs/linked/files/secret.txt",
        "/api/runs/linked/archive",
        "/api/runs/%2e%2e/archive",
        "/api/runs/a1b2c3d4%2F..%2F..%2Foutside/archive");
    for (String path : attempts) {
      int status = rawStatus(path, TOKEN);
      assertThat(status).as(path).isIn(400, 404);
    }
    assertThat(rawStatus("/api/runs/a1b2c3d4/files/summary.json", TOKEN)).isEqualTo(200); // the raw client itself works
    // the server removes dot segments before routing: this one stays inside the run and names a listed file
    assertThat(rawStatus("/api/runs/a1b2c3d4/files/histograms/../summary.json", TOKEN)).isEqualTo(200);
  }

  @Test
  void theArchiveIsTheWholeDirectoryAsTarGz() throws Exception {
    HttpResponse<byte[]> r = get("/api/runs/a1b2c3d4/archive", TOKEN);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/gzip");
    assertThat(r.headers().firstValue("Content-Disposition").orElse("")).contains("a1b2c3d4.tar.gz");
    Path into = Files.createDirectories(tmp.resolve("x"));
    Process p = new ProcessBuilder("tar", "-xzf", "-", "-C", into.toString()).redirectErrorStream(true).start();
    try (OutputStream o = p.getOutputStream(); InputStream in = new ByteArrayInputStream(r.body())) {
      in.transferTo(o);
    }
    String msg = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(msg).isZero();
    for (String name : List.of("summary.json", "results.csv", "report.html", "histograms/tgi_m128_c1_ttft.hlog", "histograms/big.hlog")) {
      assertThat(into.resolve("a1b2c3d4").resolve(name)).as(name).hasSameBinaryContentAs(out.resolve("a1b2c3d4").resolve(name));
    }
    assertThat(into.resolve("a1b2c3d4/leak.txt")).doesNotExist();
    assertThat(get("/api/runs/nope/archive", TOKEN).statusCode()).isEqualTo(404);
  }
}
