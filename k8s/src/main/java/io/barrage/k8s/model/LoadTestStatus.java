package io.barrage.k8s.model;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.barrage.common.json.Mappers;
import java.time.Instant;
import java.util.List;

/**
 * The {@code status} of a {@code LoadTest}, written by the coordinator through the status
 * subresource. {@code kubectl get loadtests} shows phase, progress and outcome (the CRD's printer
 * columns).
 *
 * @param phase where the LoadTest is
 * @param runId the coordinator's run id (its results directory name), once accepted
 * @param observedGeneration the {@code metadata.generation} of the spec that was (or is being) run
 * @param cellsDone cells finished so far
 * @param cellsTotal cells the run plans
 * @param currentCell the cell running now ({@code target/m128/c50}), null outside one
 * @param outcome once ended: {@code completed}, {@code degraded}, {@code aborted}, {@code interrupted}
 * @param headline once ended: one sentence with the run's headline numbers (the comparison, else the
 *     best throughput)
 * @param gateFailures once ended: the scenario's {@code failOn} gates that failed
 * @param message why: the scenario's problems when {@code Invalid}, what it waits for when
 *     {@code Pending}, the coordinator's message otherwise
 * @param resultsDir where the coordinator wrote the run's results
 * @param startTime when the run was accepted
 * @param completionTime when it ended
 */
public record LoadTestStatus(
    Phase phase,
    String runId,
    long observedGeneration,
    int cellsDone,
    int cellsTotal,
    String currentCell,
    String outcome,
    String headline,
    List<String> gateFailures,
    String message,
    String resultsDir,
    Instant startTime,
    Instant completionTime) {

  /** The phases, spelt as in the CRD's enum. */
  public enum Phase {
    Pending,
    Running,
    Succeeded,
    Failed,
    Invalid;

    /** True for the phases after which the coordinator never touches the LoadTest again. */
    public boolean terminal() {
      return this == Succeeded || this == Failed || this == Invalid;
    }

    /** The phase named {@code s}, or null (absent, or written by something else). */
    public static Phase parse(String s) {
      if (s == null) return null;
      for (Phase p : values()) {
        if (p.name().equals(s)) return p;
      }
      return null;
    }
  }

  public LoadTestStatus {
    gateFailures = gateFailures == null ? null : List.copyOf(gateFailures);
  }

  /** Queued behind other work: nothing runs yet. */
  public static LoadTestStatus pending(long generation, String message) {
    return new LoadTestStatus(Phase.Pending, null, generation, 0, 0, null, null, null, null, message, null, null, null);
  }

  /** Refused before it ran: {@code message} says why. */
  public static LoadTestStatus invalid(long generation, String message) {
    return new LoadTestStatus(Phase.Invalid, null, generation, 0, 0, null, null, null, null, message, null, null, Instant.now());
  }

  /** {@code "3/8"}: the printer column; empty before the run knows its cells. */
  public String progress() {
    return cellsTotal > 0 ? cellsDone + "/" + cellsTotal : "";
  }

  /** The status object as the API takes it; absent values are left out. */
  public ObjectNode toJson() {
    ObjectNode o = Mappers.strict().createObjectNode();
    o.put("phase", phase.name());
    if (runId != null) o.put("runId", runId);
    o.put("observedGeneration", observedGeneration);
    if (cellsTotal > 0) {
      o.put("progress", progress());
      o.put("cellsDone", cellsDone);
      o.put("cellsTotal", cellsTotal);
    }
    if (currentCell != null) o.put("currentCell", currentCell);
    if (outcome != null) o.put("outcome", outcome);
    if (headline != null) o.put("headline", headline);
    if (gateFailures != null && !gateFailures.isEmpty()) {
      ArrayNode g = o.putArray("gateFailures");
      gateFailures.forEach(g::add);
    }
    if (message != null) o.put("message", message);
    if (resultsDir != null) o.put("resultsDir", resultsDir);
    if (startTime != null) o.put("startTime", startTime.toString());
    if (completionTime != null) o.put("completionTime", completionTime.toString());
    return o;
  }
}
