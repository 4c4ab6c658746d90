package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.barrage.protocol.scenario.TestScenario;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code results.persistence.enabled} gives in a cluster, with processes: a coordinator process
 * runs a scenario (with a worker process) and exits; a new coordinator process on the same results
 * directory lists that run in {@code GET /api/runs} and {@code barrage fetch} downloads its files.
 */
class CoordinatorRestartIT {
  static final String TOKEN = "restart-test-token-91c2";
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static List<String> files(Path d) throws Exception {
    try (Stream<Path> s = Files.walk(d)) {
      return s.filter(Files::isRegularFile).map(p -> d.relativize(p).toString()).sorted().toList();
    }
  }

  @Test
  void aRunWrittenByOneCoordinatorProcessIsListedAndFetchedFromTheNext() throws Exception {
    Path out = dir.resolve("results");
    Path tokenFile = Files.writeString(dir.resolve("token"), TOKEN);
    String runId;
    try (SimulatorServer sim = SimulatorServer.start(SimulatorConfig.loopback("tgi-fast"))) {
      Path scenario = TestScenario.named("restart").target("sim", sim.baseUrl()).maxNewTokens("[8]").load("{concurrency: [2]}")
          .step("{requests: 10}").writeTo(dir.resolve("restart.yaml"));
      int port = freePort();
      try (BarrageProcess first = BarrageProcess.barrage("coordinator", "--scenario", scenario.toString(), "--port", Integer.toString(port),
              "--http-port", "-1", "--out", out.toString(), "--insecure-cluster").heap("320m").start(dir.resolve("coordinator-1.log"));
          BarrageProcess worker = BarrageProcess.barrage("worker", "--join", "127.0.0.1:" + port, "--insecure-cluster").heap("320m")
              .start(dir.resolve("worker.log"))) {
        assertThat(first.waitFor(Duration.ofSeconds(150))).as(first.log()).isTrue();
        assertThat(first.exitValue()).as(first.log()).isZero();
      }
    }
    try (Stream<Path> dirs = Files.list(out)) {
      List<Path> runs = dirs.filter(p -> Files.isRegularFile(p.resolve("summary.json"))).toList();
      assertThat(runs).hasSize(1);
      runId = runs.get(0).getFileName().toString();
    }

    int httpPort = freePort();
    String api = "http://127.0.0.1:" + httpPort;
    try (BarrageProcess second = BarrageProcess.barrage("coordinator", "--port", Integer.toString(freePort()), "--http-port",
        Integer.toString(httpPort), "--out", out.toString(), "--insecure-cluster", "--token-file", tokenFile.toString())
        .heap("320m").start(dir.resolve("coordinator-2.log"))) {
      HttpClient http = HttpClient.newHttpClient();
      AtomicReference<JsonNode> listed = new AtomicReference<>();
      await("the restarted coordinator's run list").atMost(Duration.ofSeconds(90)).until(() -> {
        if (!second.isAlive()) return true;
        try {
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/api/runs")).header("Authorization", "Bearer " + TOKEN)
              .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 200) listed.set(JSON.readTree(r.body()));
        } catch (java.io.IOException notYet) {
          // not listening yet
        }
        return listed.get() != null;
      });
      assertThat(listed.get()).as(second.log()).isNotNull();
      assertThat(listed.get()).hasSize(1);
      assertThat(listed.get().get(0).get("runId").asText()).isEqualTo(runId);
      assertThat(listed.get().get(0).get("outcome").asText()).isEqualTo("completed");
      assertThat(listed.get().get(0).get("scenario").asText()).isEqualTo("restart");

      Path into = dir.resolve("fetched");
      CliRun r = CliRun.of("fetch", runId, "--api", api, "--token-file", tokenFile.toString(), into.toString());
      assertThat(r.code()).as(r.out() + r.err()).isZero();
      assertThat(files(into)).containsExactlyElementsOf(files(out.resolve(runId))).contains("report.html", "summary.json", "results.csv");
      for (String n : files(into)) assertThat(into.resolve(n)).as(n).hasSameBinaryContentAs(out.resolve(runId).resolve(n));
      assertThat(second.log()).doesNotContain(TOKEN);
    }
  }
}
