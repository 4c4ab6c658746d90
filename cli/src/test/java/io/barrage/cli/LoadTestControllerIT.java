package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.barrage.coordinator.node.CoordinatorNode;
import io.barrage.coordinator.report.ResultWriter;
import io.barrage.coordinator.run.RunHooks;
import io.barrage.k8s.client.LoadTests;
import io.barrage.k8s.client.MockApi;
import io.barrage.k8s.model.LoadTestStatus;
import io.barrage.protocol.scenario.InvalidScenarioException;
import io.barrage.protocol.scenario.ScenarioLoader;
import io.barrage.protocol.scenario.TestScenario;
import io.barrage.simulator.Profiles;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import io.barrage.worker.cluster.EngineStepLauncher;
import io.barrage.worker.cluster.WorkerAgent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LoadTest controller as it runs in the coordinator: a real coordinator in this JVM (its own
 * worker role in process), the {@code tgi-fast} simulator as the target, and the LoadTest resources
 * on the k8s module's mock API server, watched through client-java's informer. Each test has its own
 * namespace and its own controller; what it checks is what {@code kubectl get loadtest -o yaml}
 * would show, plus the statuses in the order they were written.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoadTestControllerIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir static Path dir;
  private SimulatorServer sim;
  private MockApi api;
  private CoordinatorNode coordinator;
  private EngineStepLauncher launcher;
  private final List<AutoCloseable> perTest = new ArrayList<>();
  /** "name phase progress" of every status written, in order. */
  private final List<String> written = new CopyOnWriteArrayList<>();

  @BeforeAll
  void start() throws Exception {
    sim = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST));
    api = new MockApi().serveLoadTests();
    coordinator = CoordinatorNode.start(
        new CoordinatorNode.Settings("127.0.0.1", "127.0.0.1", 0, -1, "127.0.0.1", true, "unused-token", dir.resolve("runs"), dir),
        ResultWriter::write, RunHooks.NONE, 1);
    launcher = new EngineStepLauncher(Adapter.toClassic(coordinator.system()));
    coordinator.system().systemActorOf(WorkerAgent.create(launcher, WorkerAgent.Settings.defaults()), "worker", Props.empty());
  }

  @AfterEach
  void stopController() throws Exception {
    for (AutoCloseable c : perTest) c.close();
    perTest.clear();
  }

  @AfterAll
  void stop() {
    if (coordinator != null) coordinator.close();
    if (launcher != null) launcher.close();
    if (api != null) api.close();
    if (sim != null) sim.close();
  }

  /** Starts a controller for namespace {@code ns}, recording what it writes. */
  private void controller(String ns) {
    LoadTests loadTests = new LoadTests(api.apiClient(), ns);
    LoadTestController c = new LoadTestController((name, s) -> {
      written.add(name + " " + s.phase() + " " + s.progress());
      loadTests.writeStatus(name, s);
    }, coordinator.intake(), Duration.ofSeconds(1));
    coordinator.runs().addObserver(c);
    loadTests.start(c);
    perTest.add(loadTests);
    perTest.add(c);
  }

  private static String loadTest(String name, Integer workers, String scenarioYaml) {
    String indented = scenarioYaml.lines().map(l -> "    " + l).collect(Collectors.joining("\n"));
    return "apiVersion: barrage.io/v1alpha1\nkind: LoadTest\nmetadata: {name: " + name + "}\nspec:\n"
        + (workers == null ? "" : "  workers: " + workers + "\n") + "  scenario:\n" + indented + "\n";
  }

  private Object status(String ns, String name, String field) {
    return api.loadTestStatus(ns, name, field);
  }

  private List<String> writtenFor(String name) {
    return written.stream().filter(w -> w.startsWith(name + " ")).toList();
  }

  @Test
  void aLoadTestRunsAndItsStatusShowsProgressThenTheOutcomeAndHeadline() throws Exception {
    controller("create");
    String scenario = TestScenario.named("lt-good").target("sim", sim.baseUrl()).load("{concurrency: [1, 2]}").step("{requests: 6}")
        .prompt("{text: \"Explain continuous batching in one sentence.\"}").timeouts("{firstToken: 10s, idle: 5s, total: 20s}")
        .with("failOn: {errors: true}").yaml();
    api.createLoadTest("create", loadTest("good", 1, scenario));

    await("the LoadTest to succeed").atMost(WAIT).until(() -> "Succeeded".equals(status("create", "good", "phase")));
    assertThat(status("create", "good", "outcome")).isEqualTo("completed");
    assertThat(status("create", "good", "progress")).isEqualTo("2/2");
    assertThat(status("create", "good", "observedGeneration")).isEqualTo(1);
    assertThat((String) status("create", "good", "headline")).matches("best throughput: sim \\(sim/m16/c[12]\\): [0-9.]+ tokens/s");
    assertThat(Instant.parse((String) status("create", "good", "completionTime")))
        .isAfterOrEqualTo(Instant.parse((String) status("create", "good", "startTime")));
    String runId = (String) status("create", "good", "runId");
    assertThat(status("create", "good", "resultsDir")).isEqualTo(dir.resolve("runs").resolve(runId).toString());
    JsonNode summary = JSON.readTree(dir.resolve("runs").resolve(runId).resolve("summary.json").toFile());
    assertThat(summary.at("/targets/0/cells/0/requests/ok").asLong()).isEqualTo(6);
    assertThat(summary.at("/targets/0/cells/1/requests/ok").asLong()).isEqualTo(6);
    // progress was written as the run went: first cell, second cell, then the outcome
    assertThat(writtenFor("good")).contains("good Running 0/2", "good Running 1/2").last().isEqualTo("good Succeeded 2/2");
    assertThat(writtenFor("good").indexOf("good Running 0/2")).isLessThan(writtenFor("good").indexOf("good Running 1/2"));
  }

  @Test
  void aSpecThatIsNotAValidScenarioIsInvalidWithTheValidatorsProblems() {
    controller("invalid");
    String scenario = "name: broken\ntargets:\n  - {name: t, api: tgi-stream}\nworkload:\n  prompt: {text: hi}\n  load: {concurrency: [0]}\n"
        + "  step: {requests: 5}\n";
    api.createLoadTest("invalid", loadTest("broken", null, scenario));

    await("the LoadTest to be Invalid").atMost(WAIT).until(() -> "Invalid".equals(status("invalid", "broken", "phase")));
    String expected;
    try {
      ScenarioLoader.parse(scenario, dir);
      throw new AssertionError("the fixture should not be a valid scenario");
    } catch (InvalidScenarioException e) {
      expected = LoadTestController.problems(e.problems());
    }
    assertThat((String) status("invalid", "broken", "message")).isEqualTo(expected).contains("targets[0].url");
    assertThat(status("invalid", "broken", "runId")).isNull();
    assertThat(coordinator.runs().list()).noneMatch(r -> r.scenario().equals("broken"));
  }

  @Test
  void loadTestsRunOneAtATimeAndDeletingTheRunningOneStopsItsRun() {
    controller("queue");
    String longRun = TestScenario.named("lt-long").target("sim", sim.baseUrl()).load("{concurrency: [1]}").step("{duration: 60s}").yaml();
    String shortRun = TestScenario.named("lt-short").target("sim", sim.baseUrl()).load("{concurrency: [1]}").step("{requests: 3}").yaml();
    api.createLoadTest("queue", loadTest("first", 1, longRun));
    await("the first LoadTest running").atMost(WAIT).until(() -> "Running".equals(status("queue", "first", "phase")));
    api.createLoadTest("queue", loadTest("second", 1, shortRun));
    await("the second LoadTest queued").atMost(WAIT).until(() -> "Pending".equals(status("queue", "second", "phase")));
    assertThat(status("queue", "second", "message")).isEqualTo("queued: 1 LoadTest(s) ahead");
    String firstRun = (String) status("queue", "first", "runId");
    await("the first run's first cell").atMost(WAIT).until(() -> coordinator.runs().status(firstRun).orElseThrow().requestsDone() > 0);

    api.deleteLoadTest("queue", "first");

    await("the first run stopped").atMost(WAIT).until(() -> "aborted".equals(coordinator.runs().status(firstRun).orElseThrow().outcome()));
    await("the second LoadTest to succeed").atMost(WAIT).until(() -> "Succeeded".equals(status("queue", "second", "phase")));
    assertThat(api.loadTest("queue", "first")).as("a deleted LoadTest is not brought back by a status write").isNull();
    assertThat(writtenFor("first")).noneMatch(w -> w.contains("Succeeded") || w.contains("Failed"));
  }

  @Test
  void aLoadTestAnEarlierCoordinatorWasRunningIsMarkedFailedNotRunAgain() throws Exception {
    api.createLoadTest("restart", loadTest("orphan", 1, TestScenario.named("lt-orphan").target("sim", sim.baseUrl()).yaml()));
    // what the coordinator before the restart wrote
    new LoadTests(api.apiClient(), "restart").writeStatus("orphan", new LoadTestStatus(LoadTestStatus.Phase.Running, "old-run", 1, 1, 4,
        "sim/m16/c2", null, null, null, "running", "/data/results/old-run", Instant.now(), null));
    int runsBefore = coordinator.runs().list().size();
    controller("restart");

    await("the orphaned LoadTest marked Failed").atMost(WAIT).until(() -> "Failed".equals(status("restart", "orphan", "phase")));
    assertThat(status("restart", "orphan", "outcome")).isEqualTo("interrupted");
    assertThat(status("restart", "orphan", "runId")).isEqualTo("old-run");
    assertThat((String) status("restart", "orphan", "message")).contains("coordinator restarted");
    assertThat(coordinator.runs().list()).hasSize(runsBefore);
  }
}
