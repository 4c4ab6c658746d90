package io.barrage.cli;

import io.barrage.coordinator.http.ApiToken;
import io.barrage.coordinator.report.SummaryBuilder;
import io.barrage.coordinator.report.SummaryText;
import io.barrage.coordinator.run.RunOrder;
import io.barrage.coordinator.run.RunStatus;
import io.barrage.coordinator.run.Runs;
import io.barrage.protocol.results.RunRecord;
import io.barrage.protocol.scenario.InvalidScenarioException;
import io.barrage.protocol.scenario.Scenario;
import io.barrage.protocol.scenario.ScenarioLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code barrage run SCENARIO.yaml}: the coordinator in this JVM plus {@code --local-workers} worker
 * JVMs on loopback, the whole scenario, the result directory, and every process stopped at the end.
 * It ends with the summary table (errors included), the run's outcome and an exit code from
 * {@link ExitCodes#ofRun}.
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run a scenario on a local cluster (coordinator + worker JVMs on loopback).",
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {
      "0:completed, every failOn gate passed", "1:a failOn gate failed", "2:bad input (scenario, file, option)", "3:internal error",
      "4:the run was aborted", "5:the run was degraded (lost workers or requests, or a cell that measured nothing)",
      "6:the run was interrupted (the coordinator shut down); on Ctrl-C / SIGTERM the process itself exits with 130 / 143"})
public final class RunCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "SCENARIO.yaml", description = "the scenario file")
  Path scenarioFile;

  @Option(names = "--out", paramLabel = "DIR", description = "result directory (default: results/<scenario>-<time>)")
  Path out;

  @Option(names = "--local-workers", paramLabel = "N", defaultValue = "2", description = "worker JVMs to start (0: one process with both roles; default ${DEFAULT-VALUE})")
  int localWorkers;

  @Option(names = "--set", paramLabel = "PATH=VALUE", description = "override a scenario value, e.g. workload.step.requests=20 (repeatable)")
  List<String> sets = new ArrayList<>();

  @Option(names = "--force", description = "write into a --out directory that already holds a run's results (they are removed first)")
  boolean force;

  @Option(names = "--http-port", paramLabel = "N", defaultValue = "-1", description = "serve the API and live page on this port while running (default: off)")
  int httpPort;

  @Override
  public Integer call() throws Exception {
    PrintStream o = System.out;
    if (localWorkers < 0) throw new ExitException(ExitCodes.BAD_INPUT, "barrage run: --local-workers must be >= 0");
    String text;
    try {
      text = ScenarioLoader.readText(scenarioFile);
    } catch (NoSuchFileException e) {
      throw new ExitException(ExitCodes.BAD_INPUT, "barrage run: no such file: " + scenarioFile);
    } catch (IOException e) {
      throw new ExitException(ExitCodes.BAD_INPUT, "barrage run: cannot read " + scenarioFile + ": " + e.getMessage());
    }
    Path baseDir = scenarioFile.toAbsolutePath().getParent();
    Scenario scenario;
    try {
      text = ScenarioOverrides.apply(text, sets);
      scenario = ScenarioLoader.parse(text, baseDir);
    } catch (InvalidScenarioException e) {
      throw new ExitException(ExitCodes.BAD_INPUT, "barrage run: " + scenarioFile + " is not a valid scenario; " + e.getMessage());
    }
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path outDir = out != null ? out : Path.of("results", scenario.name().replaceAll("[^A-Za-z0-9._-]", "_") + "-" + stamp);
    refuseNonEmpty(outDir, force);
    Files.createDirectories(outDir);
    String token = null;
    if (httpPort >= 0) {
      ApiToken.Resolved t = ApiToken.resolve(System.getenv(ApiToken.ENV), outDir.resolve("api-token"));
      o.println(t.source());
      token = t.token();
    }
    String runId = stamp;
    o.printf("barrage run %s: %s, %d worker%s%n", scenario.name(), scenarioFile, localWorkers, localWorkers == 1 ? "" : "s");
    ValidateCommand.tlsWarnings(scenario).forEach(o::println);
    try (LocalCluster cluster = LocalCluster.start(localWorkers, outDir.resolve("logs"), httpPort, token)) {
      if (httpPort >= 0) o.println("live page: http://127.0.0.1:" + cluster.coordinator().httpPort() + "/");
      Runs runs = cluster.coordinator().runs();
      runs.addObserver(new ProgressPrinter(o, 2000));
      var submitted = accepted("barrage run", runs.submit(new RunOrder(runId, scenario, text, baseDir, outDir, Math.max(1, localWorkers))));
      RunRecord record = await(submitted, cluster, runs, runId);
      return finish(o, record, outDir);
    }
  }

  /** The accepted submission, or exit 2 with the reason the scenario cannot be shipped to workers. */
  static Runs.Submitted.Accepted accepted(String command, Runs.Submitted s) {
    if (s instanceof Runs.Submitted.TooLarge t) throw new ExitException(ExitCodes.BAD_INPUT, command + ": " + t.reason());
    if (s instanceof Runs.Submitted.Accepted a) return a;
    throw new IllegalStateException(command + ": a run is already in progress: " + s);
  }

  /**
   * The end of a run, the same for {@code run} and {@code coordinator --scenario}: the summary table
   * with its outcome line, where the results are, every failed gate, and the exit code.
   */
  static int finish(PrintStream o, RunRecord record, Path outDir) {
    o.println();
    o.print(SummaryText.render(SummaryBuilder.summary(record)));
    o.println("results: " + outDir.toAbsolutePath());
    List<String> failed = RunGates.failures(record);
    failed.forEach(f -> o.println("gate failed: " + f));
    o.flush();
    return ExitCodes.ofRun(record.outcome().key(), failed);
  }

  /** The files a run writes into its result directory (plus {@code histograms/}). */
  private static final List<String> RESULT_FILES = List.of("summary.json", "timeline.json", "distributions.json", "results.csv", "capacity.csv", "report.html");

  /**
   * A directory that already holds a run's results would mix the old run's interval logs into the
   * new one: refused unless {@code --force}, which removes the old result files first. Other files
   * (the scenario itself, notes) do not count and are left alone.
   */
  static void refuseNonEmpty(Path outDir, boolean force) throws IOException {
    if (!Files.isDirectory(outDir)) return;
    List<String> found = new ArrayList<>();
    for (String name : RESULT_FILES) if (Files.exists(outDir.resolve(name))) found.add(name);
    Path histograms = outDir.resolve("histograms");
    List<Path> logs = List.of();
    if (Files.isDirectory(histograms)) {
      try (var s = Files.list(histograms)) {
        logs = s.toList();
      }
      if (!logs.isEmpty()) found.add("histograms/ (" + logs.size() + " files)");
    }
    if (found.isEmpty()) return;
    if (!force) {
      throw new ExitException(ExitCodes.BAD_INPUT, "barrage run: --out " + outDir + " is not empty: it holds a run's results ("
          + String.join(", ", found) + "); choose a new directory, or add --force to replace them");
    }
    for (String name : RESULT_FILES) Files.deleteIfExists(outDir.resolve(name));
    for (Path p : logs) Files.deleteIfExists(p);
  }

  /** How long the run may take to hand over its results once the coordinator's actor system ended. */
  private static final long AFTER_TERMINATION_MS = 15_000;

  static RunRecord await(Runs.Submitted.Accepted submitted, LocalCluster cluster, Runs runs, String runId) throws InterruptedException {
    long terminatedAt = -1;
    while (true) {
      try {
        return submitted.finished().get(1, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        if (cluster.coordinator().system().whenTerminated().isCompleted()) {
          // the results are handed over while the system shuts down; never wait forever for them
          if (terminatedAt < 0) terminatedAt = System.currentTimeMillis();
          else if (System.currentTimeMillis() - terminatedAt > AFTER_TERMINATION_MS) {
            throw new ExitException(ExitCodes.INTERRUPTED, "barrage run: the coordinator stopped and the run's results did not arrive");
          }
        }
        boolean waiting = runs.status(runId).map(s -> s.phase() == RunStatus.Phase.WAITING_FOR_WORKERS).orElse(true);
        String dead = cluster.deadWorker();
        if (waiting && dead != null) throw new ExitException(ExitCodes.INTERNAL, "barrage run: a worker did not start: " + dead);
      } catch (ExecutionException e) {
        throw new ExitException(ExitCodes.INTERNAL, "barrage run: the run failed: " + e.getCause().getMessage());
      }
    }
  }
}
