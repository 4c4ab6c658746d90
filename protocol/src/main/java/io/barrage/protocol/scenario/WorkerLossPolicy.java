package io.barrage.protocol.scenario;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What the coordinator does when a worker is lost mid-cell. */
public enum WorkerLossPolicy {
  /** Survivors take over the lost share (default). */
  REBALANCE,
  /** Carry on with less load; the report shows the missing capacity. */
  CONTINUE,
  /** Abort the run; everything measured so far is kept. */
  ABORT;

  @JsonValue
  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static WorkerLossPolicy fromYaml(String s) {
    for (WorkerLossPolicy p : values()) {
      if (p.yamlName().equals(s)) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown onWorkerLoss '" + s + "', expected rebalance, continue or abort");
  }
}
