package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code barrage submit --wait --fetch DIR} and {@code barrage fetch RUN-ID DIR} against a real
 * coordinator on loopback (its own worker role in process, the {@code tgi-fast} simulator as target),
 * then a coordinator restarted on the same results directory: the run is still listed and fetched.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FetchCommandIT {
  static final String TOKEN = "fetch-test-token-7f3a";
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private SimulatorServer sim;
  private CoordinatorNode coordinator;
  private EngineStepLauncher launcher;
  private Path tokenFile;
  private Path runs;
  private String api;
  private String firstRun;

  @BeforeAll
  void start() throws Exception {
    sim = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST));
    runs = dir.resolve("runs");
    startCoordinator();
    tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
  }

  private void startCoordinator() {
    coordinator = CoordinatorNode.start(
        new CoordinatorNode.Settings("127.0.0.1", "127.0.0.1", 0, 0, "127.0.0.1", true, TOKEN, runs, dir), ResultWriter::write);
    launcher = new EngineStepLauncher(Adapter.toClassic(coordinator.system()));
    coordinator.system().systemActorOf(WorkerAgent.create(launcher, WorkerAgent.Settings.defaults()), "worker", Props.empty());
    api = "http://127.0.0.1:" + coordinator.httpPort();
  }

  private void stopCoordinator() {
    if (coordinator != null) coordinator.close();
    if (launcher != null) launcher.close();
    coordinator = null;
    launcher = null;
  }

  @AfterAll
  void stop() {
    stopCoordinator();
    if (sim != null) sim.close();
  }

  private Path scenario(String name) {
    return TestScenario.named(name).target("sim", sim.baseUrl()).prompt("{text: \"Explain continuous batching in one sentence.\"}")
        .timeouts("{firstToken: 10s, idle: 5s, total: 20s}").writeTo(dir.resolve(name + ".yaml"));
  }

  private static CliRun barrage(String... args) {
    return CliRun.of(args);
  }

  /** Every file below {@code d} as relative names. */
  private static List<String> files(Path d) throws Exception {
    try (Stream<Path> s = Files.walk(d)) {
      return s.filter(Files::isRegularFile).map(p -> d.relativize(p).toString().replace('\\', '/')).sorted().toList();
    }
  }

  private void assertSameFiles(Path fetched, String runId) throws Exception {
    Path source = runs.resolve(runId);
    List<String> names = files(source);
    assertThat(names).contains("summary.json", "results.csv", "report.html").anyMatch(n -> n.startsWith("histograms/") && n.endsWith(".hlog"));
    assertThat(files(fetched)).containsExactlyElementsOf(names);
    for (String n : names) assertThat(fetched.resolve(n)).as(n).hasSameBinaryContentAs(source.resolve(n));
  }

  @Test
  @Order(1)
  void submitWaitFetchDownloadsTheFinishedRunsFiles() throws Exception {
    Path into = dir.resolve("fetched-by-submit");
    CliRun r = barrage("submit", scenario("fetched").toString(), "--api", api, "--token-file", tokenFile.toString(),
        "--wait", "--wait-ready", "30s", "--timeout", "60s", "--fetch", into.toString());
    String all = r.out() + r.err();
    assertThat(r.code()).as(all).isZero();
    Matcher m = Pattern.compile("run (\\S+) accepted by").matcher(r.out());
    assertThat(m.find()).as(all).isTrue();
    firstRun = m.group(1);
    assertThat(r.out()).contains("fetched ").contains("report:  " + into.resolve("report.html"));
    assertThat(all).doesNotContain(TOKEN);
    assertSameFiles(into, firstRun);
    JsonNode summary = JSON.readTree(into.resolve("summary.json").toFile());
    assertThat(summary.at("/run/id").asText()).isEqualTo(firstRun);
    assertThat(summary.at("/targets/0/cells/0/requests/ok").asLong()).isEqualTo(10);
  }

  @Test
  @Order(2)
  void fetchDownloadsAnEarlierRun() throws Exception {
    Path into = dir.resolve("fetched-later");
    CliRun r = barrage("fetch", firstRun, "--api", api, "--token-file", tokenFile.toString(), into.toString());
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertSameFiles(into, firstRun);
    // again into the same directory: the files are replaced, nothing is left beside them
    assertThat(barrage("fetch", firstRun, "--api", api, "--token-file", tokenFile.toString(), into.toString()).code()).isZero();
    assertSameFiles(into, firstRun);
  }

  @Test
  @Order(3)
  void badInputIsAClearErrorWithoutTheToken() throws Exception {
    CliRun unknown = barrage("fetch", "no-such-run", "--api", api, "--token-file", tokenFile.toString(), dir.resolve("x").toString());
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("no result directory for run no-such-run");

    Path wrong = Files.writeString(dir.resolve("wrong-token"), "wrong-secret-value");
    CliRun refused = barrage("fetch", firstRun, "--api", api, "--token-file", wrong.toString(), dir.resolve("y").toString());
    assertThat(refused.code()).isEqualTo(2);
    assertThat(refused.err()).contains("refused the API token (401)");
    assertThat(refused.out() + refused.err()).doesNotContain("wrong-secret-value").doesNotContain(TOKEN).doesNotContain("\tat ");

    CliRun noWait = barrage("submit", scenario("nowait").toString(), "--api", api, "--token-file", tokenFile.toString(), "--fetch", "z");
    assertThat(noWait.code()).isEqualTo(2);
    assertThat(noWait.err()).contains("--fetch needs --wait");
  }

  @Test
  @Order(4)
  void aRestartedCoordinatorStillListsAndServesTheRun() throws Exception {
    stopCoordinator();
    startCoordinator(); // a new coordinator on the same results directory, as after a pod restart with a PVC
    HttpResponse<String> list = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(api + "/api/runs"))
        .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(list.statusCode()).isEqualTo(200);
    JsonNode runs0 = JSON.readTree(list.body()).get(0);
    assertThat(runs0.get("runId").asText()).isEqualTo(firstRun);
    assertThat(runs0.get("outcome").asText()).isEqualTo("completed");
    assertThat(runs0.get("phase").asText()).isEqualTo("FINISHED");
    Path into = dir.resolve("fetched-after-restart");
    CliRun r = barrage("fetch", firstRun, "--api", api, "--token-file", tokenFile.toString(), into.toString());
    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertSameFiles(into, firstRun);
  }
}
