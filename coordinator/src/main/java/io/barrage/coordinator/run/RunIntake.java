package io.barrage.coordinator.run;

import io.barrage.protocol.results.RunRecord;
import io.barrage.protocol.scenario.InvalidScenarioException;
import io.barrage.protocol.scenario.Scenario;
import io.barrage.protocol.scenario.ScenarioLoader;
import io.barrage.protocol.scenario.ScenarioProblem;
import io.barrage.protocol.scenario.TargetAllowList;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The one way a scenario given as text becomes a run: parsed and validated by the scenario loader
 * (every problem with its path), checked against the targets the coordinator allows, given an id and
 * the results directory {@code runsDir/<id>}, and submitted to {@link Runs}. {@code POST /api/runs}
 * (and so {@code barrage submit}) and the Kubernetes LoadTest controller start their runs here.
 * Thread-safe.
 */
public final class RunIntake {

  /** What became of a scenario handed in. */
  public sealed interface Result {
    /** Started (or being prepared): {@code finished} completes once its results are written. */
    record Accepted(String runId, Path outDir, CompletableFuture<RunRecord> finished) implements Result {}

    /** Not a scenario this coordinator runs: every problem, each with its path. */
    record Invalid(List<ScenarioProblem> problems) implements Result {}

    /** Another run is in progress; nothing was started. */
    record Busy(String activeRunId) implements Result {}
  }

  private final Runs runs;
  private final Path runsDir;
  private final Path scenarioBaseDir;
  private final Supplier<String> ids;
  private final int defaultWorkers;
  private volatile TargetAllowList allowTargets = TargetAllowList.ANY;

  /**
   * @param runsDir where each run's results go ({@code runsDir/<id>})
   * @param scenarioBaseDir where relative dataset paths resolve
   * @param ids the run ids
   * @param defaultWorkers workers a run waits for unless it names its own
   */
  public RunIntake(Runs runs, Path runsDir, Path scenarioBaseDir, Supplier<String> ids, int defaultWorkers) {
    this.runs = runs;
    this.runsDir = runsDir;
    this.scenarioBaseDir = scenarioBaseDir;
    this.ids = ids;
    this.defaultWorkers = Math.max(1, defaultWorkers);
  }

  /** Scenarios naming a target outside {@code list} are invalid (default: every target allowed). */
  public RunIntake allowTargets(TargetAllowList list) {
    this.allowTargets = list;
    return this;
  }

  public int defaultWorkers() {
    return defaultWorkers;
  }

  public Runs runs() {
    return runs;
  }

  /**
   * Starts the scenario {@code text} (YAML or JSON) on {@code workers} workers ({@code null}: the
   * default).
   */
  public Result submit(String text, Integer workers) {
    Scenario scenario;
    try {
      scenario = ScenarioLoader.parse(text, scenarioBaseDir);
      allowTargets.check(scenario);
    } catch (InvalidScenarioException e) {
      return new Result.Invalid(e.problems());
    }
    String id = ids.get();
    Path outDir = runsDir.resolve(id);
    RunOrder order = new RunOrder(id, scenario, text, scenarioBaseDir, outDir, workers == null ? defaultWorkers : workers);
    Runs.Submitted s = runs.submit(order);
    if (s instanceof Runs.Submitted.TooLarge t) return new Result.Invalid(List.of(new ScenarioProblem("(document)", t.reason())));
    if (s instanceof Runs.Submitted.Busy b) return new Result.Busy(b.activeRunId());
    Runs.Submitted.Accepted a = (Runs.Submitted.Accepted) s;
    return new Result.Accepted(a.runId(), outDir, a.finished());
  }
}
