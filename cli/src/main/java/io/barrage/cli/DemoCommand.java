package io.barrage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.barrage.common.time.DurationText;
import io.barrage.coordinator.report.ResultSet;
import io.barrage.coordinator.report.ResultWriter;
import io.barrage.protocol.scenario.InvalidScenarioException;
import io.barrage.protocol.scenario.ScenarioLoader;
import io.barrage.simulator.Profile;
import io.barrage.simulator.Profiles;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code barrage demo [--quick] [--out DIR]}: the embedded default. Starts the two simulated servers of
 * the FastAPI-vs-TGI article in this JVM (a FastAPI-style server and a TGI-style continuous batching
 * server, fitted to the article's figures and sped up by {@code --time-scale}), rewrites the preset's
 * URLs to them, divides its timeouts by the time scale, runs it exactly as {@code barrage run
 * SCENARIO --local-workers 2} does (a coordinator and two worker JVMs, which print the summary table,
 * the comparison sentence and the outcome), then prints each of the article's figures beside
 * barrage's with the tolerance ({@link ArticleFindings}) and where report.html is. A run degraded
 * by the article's own timeouts (300 × 256) still exits 0.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run the FastAPI-vs-TGI preset against simulated servers on a local cluster (coordinator + 2 worker JVMs) and write a report.")
public final class DemoCommand implements Callable<Integer> {
  static final String PRESET = "presets/fastapi-vs-tgi.yaml";
  /** The simulator profile each preset target runs on. */
  static final Map<String, String> PROFILES = new LinkedHashMap<>();

  static {
    PROFILES.put("fastapi-a100", "fastapi-a100-llama2-13b");
    PROFILES.put("tgi-2xa4000", "tgi-2xa4000-llama2-13b-tp2");
  }

  @Option(names = "--quick", description = "three load levels (1, 50, 300 concurrent requests) instead of seven")
  boolean quick;

  @Option(names = "--out", paramLabel = "DIR", description = "result directory (default: results/demo-<time>)")
  Path out;

  @Option(names = "--time-scale", paramLabel = "X", description = "simulated servers run X times faster than the real hardware (default 10)")
  Double timeScale;

  @Spec CommandSpec spec;

  /**
   * The load levels the demo runs: the preset's own (the article's matrix, 1 to 300 concurrent
   * requests, each cell firing one request per virtual user), or three of them with {@code --quick}.
   * The time scale is what shortens the demo: at 10× the full matrix is about 100 s of simulated
   * serving (the slowest cells are FastAPI's ~100 s requests and TGI's 300 × 256 tail, which
   * ends at the article's 120 s timeout).
   *
   * @param concurrency null = the preset's levels
   */
  record Scale(List<Integer> concurrency, double timeScale) {
    static Scale of(boolean quick, Double timeScale) {
      // faster than 10x, a one-request cell shows a few hundred ms of a loaded machine's scheduling as
      // seconds of the hardware's time (a quick run at 20x once put TGI's 256-token single request 40% late)
      double x = timeScale == null ? 10 : timeScale;
      return new Scale(quick ? List.of(1, 50, 300) : null, x);
    }
  }

  @Override
  public Integer call() throws Exception {
    Scale scale = Scale.of(quick, timeScale);
    double timeScale = scale.timeScale();
    if (!(timeScale >= 1 && timeScale <= 1000)) throw new ExitException(ExitCodes.BAD_INPUT, "barrage demo: --time-scale must be between 1 and 1000");
    Path dir = out != null ? out : Path.of("results", "demo-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    Files.createDirectories(dir);
    PrintWriter w = spec.commandLine().getOut();
    List<SimulatorServer> servers = new ArrayList<>();
    try {
      Map<String, String> urls = new LinkedHashMap<>();
      for (Map.Entry<String, String> e : PROFILES.entrySet()) {
        Profile p = Profiles.get(e.getValue()).withTimeScale(timeScale);
        SimulatorServer s = SimulatorServer.start(new SimulatorConfig("127.0.0.1", 0, p, null, 1));
        servers.add(s);
        urls.put(e.getKey(), s.baseUrl());
        w.printf("simulated %-13s %-28s at %s (%.0fx real speed)%n", e.getKey(), e.getValue(), s.baseUrl(), timeScale);
      }
      Path scenario = dir.resolve("demo-scenario.yaml");
      Files.writeString(scenario, scenarioYaml(readPreset(), urls, scale), StandardCharsets.UTF_8);
      w.printf("running %s on a local cluster (coordinator + 2 worker JVMs); results in %s%n", scenario, dir);
      w.flush();
      int code = BarrageMain.execute("run", scenario.toString(), "--out", dir.toString(), "--local-workers", "2");
      // the run degrades itself when a cell's errors pass slo.maxErrorRate: the article's 300 × 256
      // cell does by design (its timeouts are the article's), so a degraded run is a completed demo
      if (code != ExitCodes.OK && code != ExitCodes.GATES_FAILED && code != ExitCodes.DEGRADED) {
        throw new ExitException(code, "barrage demo: the run did not complete (exit " + code + "). The scenario is " + scenario
            + "; with simulators of its profiles on its ports, 'barrage run " + scenario + " --out " + dir + " --local-workers 2' runs it again");
      }
      ResultSet rs = ResultSet.read(dir); // the run has printed the summary table and its outcome
      if (timeScale != 1) {
        w.printf(java.util.Locale.ROOT, "(the simulated servers ran %.0fx faster than the hardware they model: for that hardware, divide tok/s%n"
            + " by %.0f and multiply latencies, ms/token and $/1M by %.0f; ratios between the two stacks are unchanged)%n", timeScale, timeScale, timeScale);
      }
      w.println();
      for (String line : ArticleFindings.of(rs.summary(), timeScale)) w.println(line);
      w.println();
      w.println("report:  " + dir.resolve(ResultWriter.HTML).toAbsolutePath());
      w.println("data:    " + dir.resolve(ResultWriter.SUMMARY).toAbsolutePath() + ", " + dir.resolve(ResultWriter.CSV).getFileName());
      w.flush();
      return code == ExitCodes.DEGRADED ? ExitCodes.OK : code;
    } catch (ResultSet.UnreadableResultsException e) {
      throw new ExitException(ExitCodes.INTERNAL, "barrage demo: the run wrote no readable results: " + e.getMessage());
    } finally {
      for (SimulatorServer s : servers) s.close();
    }
  }

  static String readPreset() throws IOException {
    try (InputStream in = DemoCommand.class.getClassLoader().getResourceAsStream(PRESET)) {
      if (in == null) throw new ExitException(ExitCodes.INTERNAL, "barrage demo: the preset " + PRESET + " is missing from barrage.jar");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The preset with the simulators' URLs, the demo's levels and its timeouts divided by the time scale, validated. */
  static String scenarioYaml(String preset, Map<String, String> baseUrls, Scale scale) throws IOException {
    ObjectMapper yaml = ScenarioLoader.yamlMapper();
    ObjectNode root = (ObjectNode) yaml.readTree(preset);
    root.put("name", root.path("name").asText() + "-demo");
    for (JsonNode t : root.withArray("targets")) {
      ObjectNode target = (ObjectNode) t;
      String name = target.path("name").asText();
      String base = baseUrls.get(name);
      if (base == null) throw new IllegalStateException("the demo has no simulated server for target " + name);
      target.put("url", "fastapi".equals(target.path("api").asText()) ? base + "/generate" : base);
    }
    ObjectNode workload = (ObjectNode) root.get("workload");
    if (scale.concurrency() != null) {
      ObjectNode load = workload.putObject("load");
      ArrayNode conc = load.putArray("concurrency");
      scale.concurrency().forEach(conc::add);
    }
    // the article's timeouts are in the hardware's time; the simulated servers run timeScale× faster
    ObjectNode timeouts = (ObjectNode) workload.get("timeouts");
    if (timeouts != null) {
      for (String k : List.of("firstToken", "idle", "total")) {
        if (timeouts.hasNonNull(k)) {
          long ms = DurationText.parse(timeouts.get(k).asText()).toMillis();
          timeouts.put(k, Math.max(1, Math.round(ms / scale.timeScale())) + "ms");
        }
      }
    }
    String text = yaml.writeValueAsString(root);
    try {
      ScenarioLoader.parse(text, null);
    } catch (InvalidScenarioException e) {
      throw new IllegalStateException("the demo scenario is invalid: " + e.getMessage(), e);
    }
    return text;
  }
}
