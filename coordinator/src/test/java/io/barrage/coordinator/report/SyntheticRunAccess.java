package io.barrage.coordinator.report;

import io.barrage.protocol.results.RunRecord;

/** Public door to {@link SyntheticRun} for the bench package. */
public final class SyntheticRunAccess {
  private SyntheticRunAccess() {}

  public static RunRecord create() {
    return SyntheticRun.create();
  }
}
