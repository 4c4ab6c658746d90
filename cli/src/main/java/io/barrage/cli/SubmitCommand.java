package io.barrage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.barrage.common.time.DurationText;
import io.barrage.coordinator.http.ApiToken;
import io.barrage.coordinator.run.RunStatus;
import io.barrage.protocol.results.WorkerEvent;
import io.barrage.protocol.scenario.InvalidScenarioException;
import io.barrage.protocol.scenario.ScenarioLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code barrage submit SCENARIO.yaml --api URL}: posts a scenario to a running coordinator's API
 * ({@code POST /api/runs}), prints the run id and, with {@code --wait}, follows the run to its end
 * and exits like {@code barrage run} ({@link ExitCodes#ofRun}: 0 completed and passed, 1 a
 * {@code failOn} gate failed, 4 aborted, 5 degraded), or 2 bad input (unreadable file, invalid
 * scenario, missing or refused token), 3 the coordinator could not be reached, was busy past
 * {@code --wait-ready}, answered unexpectedly or the run outlived {@code --timeout}.
 */
@Command(name = "submit", mixinStandardHelpOptions = true,
    description = "Submit a scenario to a running coordinator (its HTTP API) and optionally wait for the outcome.")
public final class SubmitCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "SCENARIO.yaml", description = "the scenario file")
  Path scenarioFile;

  @Option(names = "--api", defaultValue = "http://127.0.0.1:8080", paramLabel = "URL", description = "the coordinator's API (default ${DEFAULT-VALUE})")
  String api;

  @Option(names = "--token-file", paramLabel = "FILE", description = "file holding the API bearer token (else $BARRAGE_API_TOKEN)")
  Path tokenFile;

  @Option(names = "--workers", paramLabel = "N", description = "workers the run waits for, scaled up under Kubernetes (default: the coordinator's --min-workers)")
  Integer workers;

  @Option(names = "--set", paramLabel = "PATH=VALUE", description = "override a scenario value, e.g. workload.step.requests=20 (repeatable)")
  List<String> sets = new ArrayList<>();

  @Option(names = "--wait", description = "follow the run until it ends, print its outcome, exit with its code")
  boolean waitForEnd;

  @Option(names = "--wait-ready", defaultValue = "0s", paramLabel = "DURATION",
      description = "first wait up to this long until the coordinator is ready and has no run in progress (default ${DEFAULT-VALUE})")
  String waitReady;

  @Option(names = "--timeout", paramLabel = "DURATION", description = "with --wait: give up (exit 3) after this long; the run goes on (default: no limit)")
  String timeout;

  @Option(names = "--require-completed", description = "accepted for older scripts: with --wait every outcome but 'completed' already exits non-zero (aborted 4, degraded 5, interrupted 6)")
  boolean requireCompleted;

  @Option(names = "--fetch", paramLabel = "DIR", description = "with --wait: download the finished run's result files (summary.json, results.csv, report.html, histograms) into DIR")
  Path fetchDir;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    Duration readyWait = duration("--wait-ready", waitReady);
    Duration limit = timeout == null ? null : duration("--timeout", timeout);
    if (workers != null && workers < 1) throw bad("--workers must be >= 1");
    if (fetchDir != null && !waitForEnd) throw bad("--fetch needs --wait (the files are there once the run has finished)");
    URI base;
    try {
      base = CoordinatorApi.baseUri(api);
    } catch (IllegalArgumentException e) {
      throw bad(e.getMessage());
    }
    String text = readScenario();
    CoordinatorApi client = new CoordinatorApi(base, token());

    String runId = submit(client, text, readyWait);
    out.println("run " + runId + " accepted by " + client.base());
    if (!waitForEnd) {
      out.println("status: " + client.base() + "/api/runs/" + runId);
      return ExitCodes.OK;
    }
    int code = follow(client, runId, limit);
    return fetchDir == null ? code : fetched(client, runId, code);
  }

  /** Downloads the finished run's files into --fetch DIR; the run's exit code, or the fetch's when it failed. */
  private int fetched(CoordinatorApi client, String runId, int code) throws InterruptedException {
    if (code == ExitCodes.INTERNAL) return code; // its results were not written: nothing to fetch
    try {
      new RunFetcher(client, out).fetch(runId, fetchDir);
      return code;
    } catch (RunFetcher.FetchException e) {
      System.err.println("barrage submit: " + e.getMessage());
      return e.exitCode;
    }
  }

  private String readScenario() {
    try {
      String text = ScenarioLoader.readText(scenarioFile);
      return sets.isEmpty() ? text : ScenarioOverrides.apply(text, sets);
    } catch (NoSuchFileException e) {
      throw bad("no such file: " + scenarioFile);
    } catch (IOException e) {
      throw bad("cannot read " + scenarioFile + ": " + e.getMessage());
    } catch (InvalidScenarioException e) {
      throw bad(scenarioFile + ": " + e.getMessage());
    }
  }

  private String token() {
    return ClientToken.read(tokenFile, "barrage submit");
  }

  /** Posts the scenario; waits (bounded by --wait-ready) while the coordinator is not ready or busy. */
  private String submit(CoordinatorApi client, String text, Duration readyWait) throws InterruptedException {
    long deadline = System.nanoTime() + readyWait.toNanos();
    String lastProblem = null;
    while (true) {
      try {
        if (client.ready()) {
          CoordinatorApi.Answer a = client.submit(text, workers);
          switch (a.status()) {
            case 202:
              return a.json().path("id").asText();
            case 400: {
              JsonNode body = a.json();
              StringBuilder b = new StringBuilder("the coordinator refused the scenario " + scenarioFile + ": " + body.path("error").asText());
              for (JsonNode p : body.path("problems")) b.append("\n  ").append(p.path("path").asText()).append(": ").append(p.path("message").asText());
              throw bad(b.toString());
            }
            case 401:
              throw bad("the coordinator at " + client.base() + " refused the API token (401): check --token-file or $" + ApiToken.ENV);
            case 409:
              lastProblem = "a run is in progress (" + a.json().path("activeRun").asText() + ")";
              break;
            default:
              throw internal("unexpected answer " + a.status() + " from " + client.base() + "/api/runs: " + abbreviate(a.body()));
          }
        } else {
          lastProblem = "its cluster has not formed yet (/ready is not 200)";
        }
      } catch (IOException e) {
        lastProblem = "cannot reach it: " + describe(e);
      }
      if (System.nanoTime() >= deadline) {
        throw internal("coordinator at " + client.base() + " not usable"
            + (readyWait.isZero() ? "" : " after " + DurationText.format(readyWait)) + ": " + lastProblem);
      }
      TimeUnit.SECONDS.sleep(1); // poll interval while waiting for a bounded deadline
    }
  }

  private int follow(CoordinatorApi client, String runId, Duration limit) throws InterruptedException {
    long deadline = limit == null ? Long.MAX_VALUE : System.nanoTime() + limit.toNanos();
    PolledProgress progress = new PolledProgress(out);
    int unreachable = 0;
    while (true) {
      RunStatus s = null;
      try {
        CoordinatorApi.Answer a = client.status(runId);
        if (a.status() != 200) throw internal("unexpected answer " + a.status() + " for run " + runId + ": " + abbreviate(a.body()));
        s = CoordinatorApi.parseStatus(a.body());
        unreachable = 0;
      } catch (IOException e) {
        // a port-forward hiccup or a coordinator restart: tolerate a few, then give up
        if (++unreachable >= 30) throw internal("lost the coordinator at " + client.base() + " while following run " + runId + ": " + describe(e));
      }
      if (s != null) {
        progress.update(s);
        if (s.phase() == RunStatus.Phase.FINISHED) return verdict(s);
      }
      if (System.nanoTime() >= deadline) {
        throw internal("run " + runId + " had not ended after " + DurationText.format(limit) + " (" + (s == null ? "no status" : s.phase()) + "); it goes on on the coordinator");
      }
      TimeUnit.SECONDS.sleep(1); // the coordinator publishes a status a second
    }
  }

  private int verdict(RunStatus s) {
    out.println();
    String outcome = s.outcome() == null ? "aborted" : s.outcome();
    out.println("run " + s.runId() + ": " + s.message() + (s.outDir() == null ? "" : " (on the coordinator)"));
    if (s.gateFailures() == null) {
      out.println("the coordinator could not judge the run (its results were not written)");
      return ExitCodes.INTERNAL;
    }
    s.gateFailures().forEach(f -> out.println("gate failed: " + f));
    return ExitCodes.ofRun(outcome, s.gateFailures());
  }

  /**
   * Progress from polled statuses: a line per cell every couple of seconds and one when a cell is
   * over. Polling sees a cell's last numbers only by chance, so the closing line gives none (the
   * exact figures are in the run's summary.json).
   */
  static final class PolledProgress {
    private final PrintStream out;
    private RunStatus previous;
    private long lastPrintNanos;
    private int eventsShown;

    PolledProgress(PrintStream out) {
      this.out = out;
    }

    void update(RunStatus s) {
      boolean finished = s.phase() == RunStatus.Phase.FINISHED;
      if (previous != null && previous.cell() != null && (!previous.cell().equals(s.cell()) || finished)) {
        out.printf("[%d/%d] %s over%n", previous.cellIndex(), previous.cellCount(), previous.cell());
        lastPrintNanos = 0; // show the next cell at once
      }
      for (; s.events() != null && eventsShown < s.events().size(); eventsShown++) {
        var e = s.events().get(eventsShown);
        if (e.kind() == WorkerEvent.Kind.JOINED) continue;
        out.printf(Locale.ROOT, "  ! worker %s %s%s: %s (%s)%n", e.workerId(),
            e.kind().name().toLowerCase(Locale.ROOT), e.cellId() == null ? "" : " in " + e.cellId(), e.detail(), e.lossText());
      }
      long now = System.nanoTime();
      if (s.phase() == RunStatus.Phase.RUNNING && s.cell() != null && now - lastPrintNanos >= 2_000_000_000L) {
        out.println(ProgressPrinter.line(s, false));
        lastPrintNanos = now;
      } else if (s.cell() == null && !finished && (previous == null || !java.util.Objects.equals(s.message(), previous.message()))) {
        out.println("  " + s.message());
      }
      previous = finished ? null : s;
    }
  }

  private static Duration duration(String option, String text) {
    try {
      return DurationText.parse(text);
    } catch (IllegalArgumentException e) {
      throw bad(option + ": " + e.getMessage());
    }
  }

  private static String describe(IOException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  private static String abbreviate(String body) {
    String b = body == null ? "" : body.strip();
    return b.length() > 300 ? b.substring(0, 300) + "..." : b;
  }

  private static ExitException bad(String msg) {
    return new ExitException(ExitCodes.BAD_INPUT, "barrage submit: " + msg);
  }

  private static ExitException internal(String msg) {
    return new ExitException(ExitCodes.INTERNAL, "barrage submit: " + msg);
  }
}
