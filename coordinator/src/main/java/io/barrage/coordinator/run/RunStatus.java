package io.barrage.coordinator.run;

import io.barrage.protocol.results.WorkerEvent;
import java.util.List;

/**
 * A snapshot of a run for the API, the live page and the terminal. Immutable; published about once a
 * second by the run's coordinator.
 *
 * @param cellIndex 1-based index of the current (or last) cell, 0 before the first
 * @param requestsPlanned the current cell's request count, −1 for a duration step
 * @param tokensPerSecond output tokens per second over the last tick
 * @param gateFailures once {@code FINISHED}: the scenario's {@code failOn} gates that failed, as
 *     sentences (empty: passed); null before
 */
public record RunStatus(
    String runId,
    String scenario,
    Phase phase,
    String outcome,
    String message,
    int cellIndex,
    int cellCount,
    String cell,
    long requestsPlanned,
    long requestsDone,
    long errors,
    long outputTokens,
    double tokensPerSecond,
    int inFlight,
    double ttftP50Ms,
    double ttftP99Ms,
    List<WorkerView> workers,
    List<WorkerEvent> events,
    String outDir,
    long startedAtEpochMs,
    long updatedAtEpochMs,
    List<String> gateFailures) {

  /** Where a run is. */
  public enum Phase {
    WAITING_FOR_WORKERS,
    RUNNING,
    STOPPING,
    WRITING_RESULTS,
    FINISHED;

    public boolean terminal() {
      return this == FINISHED;
    }
  }

  /** One worker as the run sees it. */
  public record WorkerView(String id, String state, int streams, long requestQuota, int inFlight) {}

  public RunStatus withPhase(Phase p, String outcome, String message) {
    return new RunStatus(runId, scenario, p, outcome, message, cellIndex, cellCount, cell, requestsPlanned, requestsDone, errors,
        outputTokens, tokensPerSecond, inFlight, ttftP50Ms, ttftP99Ms, workers, events, outDir, startedAtEpochMs, System.currentTimeMillis(),
        gateFailures);
  }

  /**
   * The last status of a run: {@code FINISHED}, its outcome and the gates it failed (null: the run
   * could not be judged, e.g. its results could not be written).
   */
  public RunStatus finished(String outcome, String message, List<String> gateFailures) {
    return new RunStatus(runId, scenario, Phase.FINISHED, outcome, message, cellIndex, cellCount, cell, requestsPlanned, requestsDone,
        errors, outputTokens, tokensPerSecond, inFlight, ttftP50Ms, ttftP99Ms, workers, events, outDir, startedAtEpochMs,
        System.currentTimeMillis(), gateFailures == null ? null : List.copyOf(gateFailures));
  }

  /** The status of a run accepted but not started yet (the platform hooks are preparing it). */
  public static RunStatus preparing(String runId, String scenario, String message, String outDir) {
    long now = System.currentTimeMillis();
    return new RunStatus(runId, scenario, Phase.WAITING_FOR_WORKERS, null, message, 0, 0, null, -1, 0, 0, 0, 0, 0, 0, 0,
        List.of(), List.of(), outDir, now, now, null);
  }
}
