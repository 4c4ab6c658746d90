package io.barrage.coordinator.run;

import java.io.IOException;
import java.nio.file.Path;
import io.barrage.protocol.results.RunRecord;

/** Writes a finished run's result directory (summary.json, results.csv, report.html). */
@FunctionalInterface
public interface ResultsSink {
  void write(RunRecord run, Path outDir) throws IOException;
}
