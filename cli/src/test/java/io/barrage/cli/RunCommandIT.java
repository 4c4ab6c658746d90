package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.barrage.protocol.scenario.TestScenario;
import io.barrage.simulator.Profile;
import io.barrage.simulator.Profiles;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import java.net.InetAddress;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code barrage run} end to end: a worker JVM, the simulator, a result directory, no orphan process. */
class RunCommandIT {
  @TempDir Path dir;

  /** Runs the command line in this JVM with System.out captured (run prints there). */
  private static int runCapturingOut(StringBuilder out, String... args) {
    CliRun r = CliRun.of(args);
    out.append(r.out());
    return r.code();
  }

  @Test
  void runDrivesTheScenarioWritesResultsAndLeavesNoProcessBehind() throws Exception {
    try (SimulatorServer sim = SimulatorServer.start(SimulatorConfig.loopback("tgi-fast"))) {
      Path f = TestScenario.named("run-it").target("sim", sim.baseUrl()).maxNewTokens("[8]").load("{concurrency: [2, 4]}")
          .step("{requests: 40}").writeTo(dir.resolve("s.yaml"));
      Path out = dir.resolve("out");
      StringBuilder printed = new StringBuilder();
      int code = runCapturingOut(printed, "run", f.toString(), "--out", out.toString(), "--local-workers", "1", "--set", "workload.step.requests=30");
      assertThat(code).as(printed.toString()).isEqualTo(0);
      assertThat(out.resolve("summary.json")).exists();
      assertThat(out.resolve("results.csv")).exists();
      assertThat(out.resolve("histograms/sim_m8_c4_ttft.hlog")).exists();
      assertThat(sim.stats().requestsSucceeded()).isEqualTo(60); // 2 cells x 30 (the --set value)
      // the same summary table as demo and report, with its error columns, then the outcome
      assertThat(printed.toString()).containsPattern("target\\s+tokens\\s+load\\s+ok\\s+errors\\s+err %")
          .containsPattern("sim\\s+8\\s+c4\\s+30\\s+0\\s+0\\.0\\s")
          .contains("run completed\n");
      List<ProcessHandle> left = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
      assertThat(left).as("worker JVMs still running").isEmpty();
    }
  }

  @Test
  void zeroLocalWorkersRunsBothRolesInThisProcess() throws Exception {
    try (SimulatorServer sim = SimulatorServer.start(SimulatorConfig.loopback("tgi-fast"))) {
      Path f = TestScenario.named("run-it-0").target("sim", sim.baseUrl()).maxNewTokens("[8]").load("{concurrency: [3]}")
          .step("{requests: 20}").writeTo(dir.resolve("s0.yaml"));
      Path out = dir.resolve("out0");
      assertThat(BarrageMain.execute("run", f.toString(), "--out", out.toString(), "--local-workers", "0")).isEqualTo(0);
      assertThat(out.resolve("summary.json")).exists();
      assertThat(sim.stats().requestsSucceeded()).isEqualTo(20);
      assertThat(sim.stats().maxInFlight()).isLessThanOrEqualTo(3);
      assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList()).isEmpty();
    }
  }

  @Test
  void aRunWhoseEveryRequestFailedIsDegradedNotCompletedAndExitsFive() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closed = s.getLocalPort();
    }
    Path f = TestScenario.named("all-refused").target("gone", "http://127.0.0.1:" + closed).maxNewTokens("[8]")
        .writeTo(dir.resolve("refused.yaml"));
    Path out = dir.resolve("refused");
    StringBuilder printed = new StringBuilder();
    int code = runCapturingOut(printed, "run", f.toString(), "--out", out.toString(), "--local-workers", "0");

    assertThat(code).as(printed.toString()).isEqualTo(ExitCodes.DEGRADED);
    assertThat(printed.toString())
        .containsPattern("gone\\s+8\\s+c2\\s+0\\s+10\\s+100\\.0\\s")
        .contains("run degraded: every request failed (10 errors, 0 ok): nothing was measured")
        .contains("gone/m8/c2: measured nothing: every request failed (10 errors)")
        .doesNotContain("run completed");
    JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    assertThat(s.at("/run/outcome").asText()).isEqualTo("degraded");
    assertThat(s.at("/eligibility/excluded/0/cell").asText()).isEqualTo("gone/m8/c2");
    assertThat(Files.readString(out.resolve("report.html"))).contains("id=\"alert-outcome\"").doesNotContain("alert good");
  }

  @Test
  void aCellWhoseEveryRequestFellInTheWarmUpDegradesTheRun() throws Exception {
    // 250 ms per decode step: a 16-token answer takes ~4 s, longer than the whole 2 s step, so both
    // virtual users' only requests start in the 1.5 s warm-up and nothing is measured
    Profile fast = Profiles.get(Profiles.TGI_FAST);
    Profile.Timing t = fast.timing();
    Profile slow = fast.withTiming(new Profile.Timing(250_000, t.decodePerSeqMicros(), t.decodePerKvTokenNanos(), t.prefillBaseMicros(),
        t.prefillPerTokenMicros(), t.validationMicros(), t.tailMicros()));
    try (SimulatorServer sim = SimulatorServer.start(SimulatorConfig.loopback(slow))) {
      Path f = TestScenario.named("stalled").target("slow", sim.baseUrl()).step("{duration: 2s, warmup: 1500ms}")
          .writeTo(dir.resolve("stalled.yaml"));
      Path out = dir.resolve("stalled");
      StringBuilder printed = new StringBuilder();
      int code = runCapturingOut(printed, "run", f.toString(), "--out", out.toString(), "--local-workers", "0");

      assertThat(code).as(printed.toString()).isEqualTo(ExitCodes.DEGRADED);
      assertThat(sim.stats().requestsSucceeded()).as("the server answered both").isEqualTo(2);
      JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
      assertThat(s.at("/targets/0/cells/0/requests/ok").asLong()).isZero();
      assertThat(s.at("/targets/0/cells/0/requests/warmupExcluded").asLong()).isEqualTo(2);
      assertThat(s.at("/run/outcome").asText()).isEqualTo("degraded");
      assertThat(s.at("/run/outcomeReason").asText()).isEqualTo(
          "1 of 1 cell(s) measured nothing: slow/m16/c2: every request was excluded as warm-up (2 in the warm-up)");
      assertThat(printed.toString()).contains("run degraded: 1 of 1 cell(s) measured nothing").doesNotContain("run completed");
    }
  }

  @Test
  void anAbortedRunExitsFourFromARealProcess() throws Exception {
    try (SimulatorServer sim = SimulatorServer.start(SimulatorConfig.loopback("tgi-fast"))) {
      Path f = TestScenario.named("stopped").target("sim", sim.baseUrl()).maxNewTokens("[8]").step("{duration: 120s}")
          .writeTo(dir.resolve("long.yaml"));
      String token = "abort-test-token-0123456789";
      try (BarrageProcess p = BarrageProcess.barrage("run", f.toString(), "--out", dir.resolve("stopped").toString(), "--local-workers", "0",
              "--http-port", "0").heap("384m").env("BARRAGE_API_TOKEN", token).start(dir.resolve("run.log"))) {
        Pattern live = Pattern.compile("live page: http://127\\.0\\.0\\.1:(\\d+)/");
        AtomicReference<String> port = new AtomicReference<>();
        await("the live page's port in the output").atMost(Duration.ofSeconds(60)).until(() -> {
          Matcher m = live.matcher(p.log());
          if (m.find()) port.set(m.group(1));
          return port.get() != null || !p.isAlive();
        });
        assertThat(port.get()).as(p.log()).isNotNull();
        String api = "http://127.0.0.1:" + port.get() + "/api/runs";
        HttpClient http = HttpClient.newHttpClient();
        AtomicReference<String> runId = new AtomicReference<>();
        await("the run measuring").atMost(Duration.ofSeconds(60)).until(() -> {
          JsonNode runs = get(http, api, token);
          for (JsonNode r : runs) {
            if ("RUNNING".equals(r.path("phase").asText()) && r.path("requestsDone").asLong() > 0) runId.set(r.path("runId").asText());
          }
          return runId.get() != null;
        });
        HttpResponse<String> stop = http.send(HttpRequest.newBuilder(URI.create(api + "/" + runId.get())).DELETE()
            .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(stop.statusCode()).as(stop.body()).isEqualTo(202);

        assertThat(p.waitFor(Duration.ofSeconds(60))).as("barrage run ended after the stop").isTrue();
        assertThat(p.exitValue()).as(p.log()).isEqualTo(ExitCodes.ABORTED);
        assertThat(p.log()).contains("run aborted: ").doesNotContain("run completed");
      }
    }
  }

  private static JsonNode get(HttpClient http, String url, String token) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build(),
          HttpResponse.BodyHandlers.ofString());
      return new ObjectMapper().readTree(r.body());
    } catch (java.io.IOException e) {
      return new ObjectMapper().createArrayNode();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new ObjectMapper().createArrayNode();
    }
  }
}
