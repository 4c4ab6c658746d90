package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.barrage.coordinator.node.CoordinatorNode;
import io.barrage.coordinator.report.ResultWriter;
import io.barrage.protocol.scenario.TestScenario;
import io.barrage.simulator.Profiles;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import io.barrage.worker.cluster.EngineStepLauncher;
import io.barrage.worker.cluster.WorkerAgent;
import io.barrage.worker.cluster.WorkerNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code barrage submit} against a real coordinator in this JVM (its own worker role in process, HTTP
 * API on loopback), the {@code tgi-fast} simulator as the target, and the coordinator's Kubernetes
 * hooks on fabric8's mock API server: what {@code helm test} does in a cluster, end to end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubmitCommandIT {
  static final String TOKEN = "submit-test-token";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private SimulatorServer sim;
  private ChartObjects k8s;
  private CoordinatorNode coordinator;
  private EngineStepLauncher launcher;
  private final List<WorkerNode> extraWorkers = new ArrayList<>();
  private Path tokenFile;
  private String api;

  @BeforeAll
  void start() throws Exception {
    sim = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST));
    k8s = new ChartObjects(1);
    coordinator = CoordinatorNode.start(
        new CoordinatorNode.Settings("127.0.0.1", "127.0.0.1", 0, 0, "127.0.0.1", true, TOKEN, dir.resolve("runs"), dir),
        ResultWriter::write, new KubernetesRunHooks(k8s.facade(3), Duration.ofSeconds(40)), 1);
    launcher = new EngineStepLauncher(Adapter.toClassic(coordinator.system()));
    coordinator.system().systemActorOf(WorkerAgent.create(launcher, WorkerAgent.Settings.defaults()), "worker", Props.empty());
    api = "http://127.0.0.1:" + coordinator.httpPort();
    tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
  }

  @AfterAll
  void stop() {
    for (WorkerNode w : extraWorkers) w.close();
    if (coordinator != null) coordinator.close();
    if (launcher != null) launcher.close();
    if (k8s != null) k8s.close();
    if (sim != null) sim.close();
  }

  private Path scenario(String name, String url) {
    return TestScenario.named(name).target("sim", url).prompt("{text: \"Explain continuous batching in one sentence.\"}")
        .timeouts("{firstToken: 10s, idle: 5s, total: 20s}").with("failOn: {errors: true}").writeTo(dir.resolve(name + ".yaml"));
  }

  /** Runs the command line; returns the exit code, stdout + stderr in {@code output}. */
  private static int barrage(StringBuilder output, String... args) {
    CliRun r = CliRun.of(args);
    output.append(r.out()).append(r.err());
    return r.code();
  }

  private static String runId(StringBuilder output) {
    Matcher m = Pattern.compile("run (\\S+) accepted by").matcher(output);
    assertThat(m.find()).as("a run id in: " + output).isTrue();
    return m.group(1);
  }

  @Test
  void aGoodRunExitsZeroAndItsResultsAreExportedToTheResultsConfigMap() throws Exception {
    StringBuilder out = new StringBuilder();
    int code = barrage(out, "submit", scenario("good", sim.baseUrl()).toString(), "--api", api, "--token-file", tokenFile.toString(),
        "--wait", "--wait-ready", "30s", "--timeout", "60s", "--require-completed");

    assertThat(code).as(out.toString()).isZero();
    String id = runId(out);
    assertThat(out).contains("run " + id + ": completed");
    JsonNode summary = JSON.readTree(dir.resolve("runs").resolve(id).resolve("summary.json").toFile());
    assertThat(summary.at("/targets/0/cells/0/requests/ok").asLong()).isEqualTo(10);
    // the Kubernetes hook exported the summary before the status said FINISHED
    assertThat(k8s.resultsAnnotations()).containsEntry("barrage.io/run-id", id);
    assertThat(JSON.readTree(k8s.results().get("summary.json")).at("/run/id").asText()).isEqualTo(id);
  }

  @Test
  void aRunThatNeedsMoreWorkersScalesTheWorkerStatefulSetAndRunsOnThemAll() throws Exception {
    // the "kubelet": once the StatefulSet asks for 2 replicas, a second worker node joins
    Thread kubelet = new Thread(() -> {
      await("the StatefulSet scaled to 2").atMost(Duration.ofSeconds(30)).until(() -> k8s.workerReplicas() >= 2);
      extraWorkers.add(WorkerNode.start(new WorkerNode.Settings("127.0.0.1:" + coordinator.clusterPort(), "127.0.0.1", "127.0.0.1", 0,
          Duration.ofSeconds(5)), EngineStepLauncher::new));
    }, "test-kubelet");
    kubelet.start();
    StringBuilder out = new StringBuilder();
    int code = barrage(out, "submit", scenario("scaled", sim.baseUrl()).toString(), "--api", api, "--token-file", tokenFile.toString(),
        "--workers", "2", "--wait", "--wait-ready", "30s", "--timeout", "90s");
    kubelet.join(TimeUnit.SECONDS.toMillis(10));

    assertThat(code).as(out.toString()).isZero();
    assertThat(k8s.workerReplicas()).isEqualTo(2);
    JsonNode summary = JSON.readTree(dir.resolve("runs").resolve(runId(out)).resolve("summary.json").toFile());
    assertThat(summary.at("/run/workers/planned").asInt()).isEqualTo(2);
  }

  @Test
  void requestErrorsFailTheGateWithExitOne() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closed = s.getLocalPort();
    }
    StringBuilder out = new StringBuilder();
    int code = barrage(out, "submit", scenario("errors", "http://127.0.0.1:" + closed).toString(), "--api", api,
        "--token-file", tokenFile.toString(), "--wait", "--wait-ready", "30s", "--timeout", "60s");
    assertThat(code).as(out.toString()).isEqualTo(1);
    assertThat(out).contains("gate failed: cell sim/").contains("failed request(s)");
  }

  @Test
  void aWrongTokenExitsTwoWithAClearMessage() throws Exception {
    Path wrong = Files.writeString(dir.resolve("wrong-token"), "not-the-token");
    StringBuilder out = new StringBuilder();
    int code = barrage(out, "submit", scenario("wrong", sim.baseUrl()).toString(), "--api", api, "--token-file", wrong.toString(), "--wait");
    assertThat(code).isEqualTo(2);
    assertThat(out).contains("refused the API token (401)").doesNotContain("Exception").doesNotContain("not-the-token");
  }

  @Test
  void anInvalidScenarioExitsTwoNamingEveryProblem() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.yaml"), Files.readString(scenario("bad", sim.baseUrl()))
        .replace("tgi-stream", "grpc").replace("requests: 10", "requests: 0"));
    StringBuilder out = new StringBuilder();
    int code = barrage(out, "submit", bad.toString(), "--api", api, "--token-file", tokenFile.toString());
    assertThat(code).isEqualTo(2);
    assertThat(out).contains("targets[0].api").contains("workload.step.requests").doesNotContain("Exception");
  }

  @Test
  void noTokenOrNoCoordinatorAreClearErrors() throws Exception {
    Path s = scenario("nothing", sim.baseUrl());
    StringBuilder out = new StringBuilder();
    assertThat(barrage(out, "submit", s.toString(), "--api", api, "--token-file", dir.resolve("missing").toString())).isEqualTo(2);
    assertThat(out).contains("no such token file");

    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closed = socket.getLocalPort();
    }
    out.setLength(0);
    assertThat(barrage(out, "submit", s.toString(), "--api", "http://127.0.0.1:" + closed, "--token-file", tokenFile.toString())).isEqualTo(3);
    assertThat(out).contains("cannot reach it").doesNotContain("\tat ");
  }
}
