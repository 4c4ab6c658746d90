package io.barrage.coordinator.run;

import io.barrage.protocol.scenario.Scenario;
import java.nio.file.Path;

/**
 * A run to carry out.
 *
 * @param scenarioYaml the scenario as text, shipped to the workers
 * @param baseDir where relative dataset paths resolve (null: the working directory)
 * @param outDir the result directory (interval logs are written under {@code histograms/} as they arrive)
 * @param minWorkers workers that must have joined before the first cell starts
 */
public record RunOrder(String runId, Scenario scenario, String scenarioYaml, Path baseDir, Path outDir, int minWorkers) {}
