package io.barrage.protocol.results;

import io.barrage.protocol.scenario.Scenario;
import java.util.List;

/** A finished (or stopped) run: the input of summary.json, results.csv and report.html. */
public record RunRecord(
    String runId,
    Scenario scenario,
    long startedAtEpochMs,
    long endedAtEpochMs,
    RunOutcome outcome,
    int workersPlanned,
    List<WorkerEvent> workerEvents,
    List<CellRecord> cells) {}
