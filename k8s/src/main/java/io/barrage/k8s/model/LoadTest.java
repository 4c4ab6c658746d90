package io.barrage.k8s.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.barrage.common.json.Mappers;

/**
 * A {@code LoadTest} custom resource as the controller needs it: which object (name, uid,
 * generation), what to run (the scenario as JSON text, the number of workers) and how far an
 * earlier coordinator got with it (its status phase and run id). Read from the object's JSON as the
 * API server serves it; nothing here calls the API.
 *
 * @param workers {@code spec.workers}, or null when the resource does not say (the coordinator's
 *     default applies)
 * @param scenarioJson {@code spec.scenario} as JSON text (JSON is YAML: the scenario loader reads it
 *     like a scenario file), or null when the resource has none
 * @param phase {@code status.phase}, or null before any status was written
 * @param runId {@code status.runId}, or null
 */
public record LoadTest(
    String name, String uid, long generation, Integer workers, String scenarioJson, LoadTestStatus.Phase phase, String runId) {

  public static final String GROUP = "barrage.io";
  public static final String VERSION = "v1alpha1";
  public static final String PLURAL = "loadtests";
  public static final String KIND = "LoadTest";

  // the API server may add fields this code does not know (managedFields, a newer CRD's status)
  private static final ObjectMapper JSON = Mappers.tolerant();

  /** The LoadTest in {@code json}, an object as the API server serves it. */
  public static LoadTest fromJson(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a LoadTest object: " + e.getOriginalMessage(), e);
    }
    JsonNode meta = root.path("metadata");
    JsonNode spec = root.path("spec");
    JsonNode scenario = spec.get("scenario");
    JsonNode workers = spec.get("workers");
    JsonNode status = root.path("status");
    return new LoadTest(
        meta.path("name").asText(null),
        meta.path("uid").asText(null),
        meta.path("generation").asLong(0),
        workers != null && workers.isIntegralNumber() ? workers.intValue() : null,
        scenario == null || scenario.isNull() ? null : scenario.toString(),
        LoadTestStatus.Phase.parse(status.path("phase").asText(null)),
        status.path("runId").asText(null));
  }

  /** For log lines: which object, never the scenario (it may be long). */
  @Override
  public String toString() {
    return "LoadTest " + name + " (uid " + uid + ", generation " + generation + ")";
  }
}
