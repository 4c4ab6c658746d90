package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.coordinator.report.ResultSet;
import io.barrage.coordinator.report.model.CellSummary;
import io.barrage.coordinator.report.model.Summary;
import io.barrage.coordinator.report.model.TargetSummary;
import io.barrage.protocol.scenario.ApiKind;
import io.barrage.protocol.scenario.Scenario;
import io.barrage.protocol.scenario.ScenarioLoader;
import io.barrage.protocol.scenario.ShareGptFile;
import io.barrage.protocol.scenario.Target;
import io.barrage.simulator.Profiles;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What ships must run: every file under {@code examples/} is validated by {@code barrage validate}
 * and then run by {@code barrage run} exactly as a user would, with one loopback simulator per
 * target (of the target's api kind, requiring the API key where the target sends one) and only the
 * URLs, credentials and size overridden with {@code --set}: the targets, request templates, JSON
 * pointers, timeouts, comparison and recommendations are the file's own.
 */
class ExamplesIT {
  static final Path EXAMPLES = Path.of("..", "examples");
  /** Requests per cell: a few, so an example takes seconds; every one must be answered and ok. */
  static final int REQUESTS = 6;
  static final String KEY = "examples-it-key";

  @TempDir Path dir;

  static Stream<Path> examples() throws Exception {
    try (Stream<Path> s = Files.list(EXAMPLES)) {
      List<Path> files = s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
      assertThat(files).as("examples/ holds scenarios").isNotEmpty();
      return files.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void everyExampleValidatesAndRunsAgainstSimulators(Path example) throws Exception {
    assertThat(BarrageMain.execute("validate", example.toString())).as("barrage validate " + example).isEqualTo(ExitCodes.OK);
    Scenario scenario = ScenarioLoader.load(example);
    // the key file sits next to a copy of the example: secret files are read only from the scenario's directory
    Path copy = Files.copy(example, dir.resolve(example.getFileName()));
    copyDataFiles(dir);
    Files.writeString(dir.resolve("api-key"), KEY + "\n");
    List<SimulatorServer> sims = new ArrayList<>();
    try {
      List<String> args = new ArrayList<>(List.of("run", copy.toString(), "--out", dir.resolve("out").toString(), "--local-workers", "0"));
      for (int i = 0; i < scenario.targets().size(); i++) {
        Target t = scenario.targets().get(i);
        SimulatorConfig config = SimulatorConfig.loopback(profileFor(t.api()));
        if (t.auth() != null) config = config.withApiKey(KEY);
        SimulatorServer sim = SimulatorServer.start(config);
        sims.add(sim);
        String path = t.api() == ApiKind.FASTAPI ? URI.create(t.url()).getRawPath() : "";
        args.addAll(List.of("--set", "targets[" + i + "].url=" + sim.baseUrl() + (path == null ? "" : path)));
        if (t.auth() != null) args.addAll(List.of("--set", "targets[" + i + "].auth={file: api-key}"));
      }
      args.addAll(shrink(scenario));
      int code = BarrageMain.execute(args.toArray(String[]::new));
      assertThat(code).as("barrage " + String.join(" ", args)).isEqualTo(ExitCodes.OK);

      Summary summary = ResultSet.read(dir.resolve("out")).summary();
      assertThat(summary.run().outcome()).as(summary.run().outcomeReason()).isEqualTo("completed");
      assertThat(summary.targets()).extracting(TargetSummary::name)
          .containsExactlyElementsOf(scenario.targets().stream().map(Target::name).toList());
      for (int i = 0; i < scenario.targets().size(); i++) {
        TargetSummary ts = summary.targets().get(i);
        assertThat(ts.cells()).as(ts.name()).isNotEmpty();
        for (CellSummary c : ts.cells()) {
          assertThat(c.requests().ok()).as(c.id() + " ok").isEqualTo(REQUESTS);
          assertThat(c.requests().errorTotal()).as(c.id() + " errors " + c.requests().errors()).isZero();
          assertThat(c.outputTokens()).as(c.id() + " tokens").isPositive();
          var session = scenario.workload().session();
          if (session != null && ShareGptFile.isShareGpt(scenario.workload().prompt())) {
            // dataset conversations of varied length: every session ends, none past session.turns, TTFT from turn 1 on
            assertThat(c.traffic().sessions().completed()).as(c.id() + " sessions").isPositive()
                .isEqualTo(c.traffic().sessions().started());
            assertThat(c.traffic().turns()).as(c.id() + " turns").isNotEmpty().hasSizeLessThanOrEqualTo(session.turns());
          } else if (session != null) { // whole sessions, and TTFT by turn for each of their turns
            assertThat(c.traffic().sessions().completed()).as(c.id() + " sessions").isEqualTo(REQUESTS / session.turns());
            assertThat(c.traffic().turns()).as(c.id() + " turns").hasSize(session.turns());
          }
          if (scenario.workload().load().trace() != null) {
            assertThat(c.traffic().trace().offered()).as(c.id() + " offered").isEqualTo(REQUESTS);
          }
        }
        long answered = sims.get(i).stats().requestsSucceeded();
        assertThat(answered).as(ts.name() + ": every request the simulator answered is counted ok")
            .isEqualTo(ts.cells().stream().mapToLong(c -> c.requests().ok()).sum());
      }
      assertThat(dir.resolve("out").resolve("report.html")).isNotEmptyFile();
    } finally {
      for (SimulatorServer s : sims) s.close();
    }
  }

  /** The files examples read beside them (datasets, tokenizer files, length lists), at the same relative paths. */
  static void copyDataFiles(Path to) throws java.io.IOException {
    try (Stream<Path> s = Files.walk(EXAMPLES)) {
      for (Path f : s.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".yaml") && !p.toString().endsWith(".yml")).toList()) {
        Path target = to.resolve(EXAMPLES.relativize(f).toString());
        Files.createDirectories(target.getParent());
        Files.copy(f, target);
      }
    }
  }

  /** A simulator that speaks the target's api kind, fast enough for a test. */
  static String profileFor(ApiKind api) {
    return switch (api) {
      case FASTAPI -> Profiles.FASTAPI_FAST;
      case TGI, TGI_STREAM, OPENAI_CHAT, OPENAI_COMPLETIONS -> Profiles.TGI_FAST; // TGI serves the OpenAI routes too
    };
  }

  /**
   * The example at a test's size: its first load level, its first output length capped at 16 tokens
 * (for every target, also those that name their own output lengths),
   * {@link #REQUESTS} measured requests per cell and no warmup (each cell costs the coordinator's
   * start delay of 1.5 s besides, so one cell per target keeps an example at a few seconds).
   */
  static List<String> shrink(Scenario s) {
    List<String> out = new ArrayList<>();
    var load = s.workload().load();
    if (load.search() != null) {
      // two probes per target: the search at a test's size (CapacityExampleIT runs the capacity example whole)
      out.addAll(List.of("--set", "workload.load.search.probes=2"));
    } else if (load.concurrency() != null) {
      out.addAll(List.of("--set", "workload.load.concurrency=" + List.of(load.concurrency().get(0))));
    } else if (load.trace() != null) {
      out.addAll(List.of("--set", "workload.load.trace.speedup=" + List.of(load.trace().speedupOrDefault().get(0))));
    } else {
      out.addAll(List.of("--set", "workload.load.rate=" + List.of(load.rate().get(0))));
    }
    int tokens = Math.min(16, s.workload().maxNewTokens().get(0));
    out.addAll(List.of("--set", "workload.maxNewTokens=[" + tokens + "]"));
    for (int i = 0; i < s.targets().size(); i++) { // a target's own subset of output lengths follows the workload's
      if (s.targets().get(i).maxNewTokens() != null) out.addAll(List.of("--set", "targets[" + i + "].maxNewTokens=[" + tokens + "]"));
    }
    out.addAll(List.of("--set", "workload.step={requests: " + REQUESTS + "}"));
    return out;
  }
}
