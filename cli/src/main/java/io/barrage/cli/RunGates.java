package io.barrage.cli;

import io.barrage.coordinator.report.Gates;
import io.barrage.protocol.results.RunRecord;
import java.util.List;

/** The run's own gates ({@code failOn}): which failed, as sentences; empty means exit code 0. */
final class RunGates {
  private RunGates() {}

  static List<String> failures(RunRecord run) {
    return Gates.failures(run);
  }
}
