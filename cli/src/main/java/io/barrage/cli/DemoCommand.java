package io.barrage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.barrage.coordinator.report.ResultSet;
import io.barrage.coordinator.report.ResultWriter;
import io.barrage.coordinator.report.model.CellSummary;
import io.barrage.coordinator.report.model.Numbers;
import io.barrage.coordinator.report.model.Summary;
import io.barrage.coordinator.report.model.TargetSummary;
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
 * the FastAPI-vs-TGI article in this JVM (a naive FastAPI-style server and a TGI-style continuous
 * batching server, both sped up by {@code --time-scale}), rewrites the preset's URLs to them, scales
 * the preset down to a few minutes, runs it exactly as {@code barrage run SCENARIO --local-workers 2}
 * does (a coordinator and two worker JVMs), which prints the summary table, the comparison sentence
 * and the outcome; then it says whether the article's finding was reproduced and where report.html
 * is, and exits with the run's code.
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

  @Option(names = "--quick", description = "three load levels up to 100 concurrent requests: about a minute")
  boolean quick;

  @Option(names = "--out", paramLabel = "DIR", description = "result directory (default: results/demo-<time>)")
  Path out;

  @Option(names = "--time-scale", paramLabel = "X", defaultValue = "20", description = "simulated servers run X times faster than the real hardware (default ${DEFAULT-VALUE})")
  double timeScale;

  @Spec CommandSpec spec;

  /**
   * How the preset is scaled down for the demo. Each cell fires exactly one request per virtual user
   * ({@code requestsPerUser: 1}), the article's experiment: N requests at once, how long until each
   * is answered and how many tokens per second the server delivers. The naive server answers them
   * one after another, so its cells take (N × one request); that, not the TGI cells, sets the time.
   */
  record Scale(List<Integer> maxNewTokens, List<Integer> concurrency, int requestsPerUser) {
    static Scale of(boolean quick) {
      return quick
          ? new Scale(List.of(128), List.of(1, 10, 100), 1)
          : new Scale(List.of(128), List.of(1, 10, 50, 100, 300), 1);
    }
  }

  @Override
  public Integer call() throws Exception {
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
      Files.writeString(scenario, scenarioYaml(readPreset(), urls, Scale.of(quick)), StandardCharsets.UTF_8);
      w.printf("running %s on a local cluster (coordinator + 2 worker JVMs); results in %s%n", scenario, dir);
      w.flush();
      int code = BarrageMain.execute("run", scenario.toString(), "--out", dir.toString(), "--local-workers", "2");
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
      for (String line : findings(rs.summary())) w.println(line);
      w.println();
      w.println("report:  " + dir.resolve(ResultWriter.HTML).toAbsolutePath());
      w.println("data:    " + dir.resolve(ResultWriter.SUMMARY).toAbsolutePath() + ", " + dir.resolve(ResultWriter.CSV).getFileName());
      w.flush();
      return code;
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

  /** The preset with the simulators' URLs and the demo's scale, validated. */
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
    ArrayNode mnt = workload.putArray("maxNewTokens");
    scale.maxNewTokens().forEach(mnt::add);
    ObjectNode load = workload.putObject("load");
    ArrayNode conc = load.putArray("concurrency");
    scale.concurrency().forEach(conc::add);
    ObjectNode step = workload.putObject("step");
    step.put("requestsPerUser", scale.requestsPerUser());
    ObjectNode timeouts = workload.putObject("timeouts");
    // the last of 300 requests to a naive server waits for the 299 before it
    timeouts.put("firstToken", "150s");
    timeouts.put("idle", "60s");
    timeouts.put("total", "300s");
    String text = yaml.writeValueAsString(root);
    try {
      ScenarioLoader.parse(text, null);
    } catch (InvalidScenarioException e) {
      throw new IllegalStateException("the demo scenario is invalid: " + e.getMessage(), e);
    }
    return text;
  }

  /** Whether the article's finding shows: batching several-fold ahead at the top level, naive latency growing with load. */
  static List<String> findings(Summary s) {
    List<String> out = new ArrayList<>();
    TargetSummary naive = s.target("fastapi-a100"), tgi = s.target("tgi-2xa4000");
    if (naive == null || tgi == null) return out;
    int mnt = naive.cells().stream().mapToInt(CellSummary::maxNewTokens).min().orElse(0);
    List<CellSummary> n = cellsOf(naive, mnt), t = cellsOf(tgi, mnt);
    if (n.isEmpty() || t.isEmpty()) return out;
    CellSummary nTop = n.get(n.size() - 1), tTop = t.get(t.size() - 1);
    Double ratio = nTop.tokensPerSecond() == null || tTop.tokensPerSecond() == null || nTop.tokensPerSecond() <= 0
        ? null : tTop.tokensPerSecond() / nTop.tokensPerSecond();
    boolean several = ratio != null && ratio >= 2;
    out.add((several ? "[reproduced] " : "[NOT reproduced] ") + "continuous batching at " + tTop.load().describe() + ": "
        + (ratio == null ? "no throughput measured" : Numbers.fmt(ratio, 1) + "× the naive server's tokens/s"));
    Double first = n.get(0).latencyValue("e2e", "p50"), last = nTop.latencyValue("e2e", "p50");
    boolean grows = first != null && last != null && last > 2 * first;
    out.add((grows ? "[reproduced] " : "[NOT reproduced] ") + "the naive server's median latency grows with its queue: "
        + Numbers.fmt(first, 0) + " ms at " + n.get(0).load().describe() + " → " + Numbers.fmt(last, 0) + " ms at " + nTop.load().describe());
    return out;
  }

  private static List<CellSummary> cellsOf(TargetSummary t, int mnt) {
    return t.cells().stream().filter(c -> c.maxNewTokens() == mnt && c.tokensPerSecond() != null)
        .sorted((a, b) -> Double.compare(a.load().level(), b.load().level())).toList();
  }
}
