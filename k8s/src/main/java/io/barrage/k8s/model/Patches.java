package io.barrage.k8s.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.barrage.common.json.Mappers;
import java.util.Collection;
import java.util.Map;

/**
 * JSON merge patches (RFC 7386) of the objects barrage changes. Merge patches, not strategic merge
 * or the {@code /scale} subresource: they work on every API server and mock, and say exactly which
 * fields change.
 */
public final class Patches {

  private static final ObjectMapper JSON = Mappers.strict();

  private Patches() {}

  /** {@code {"spec":{"replicas":n}}}. */
  public static String replicas(int replicas) {
    if (replicas < 0) {
      throw new IllegalArgumentException("replicas must be >= 0, was " + replicas);
    }
    ObjectNode root = JSON.createObjectNode();
    root.putObject("spec").put("replicas", replicas);
    return write(root);
  }

  /**
   * A JSON Patch (RFC 6902) that sets a ConfigMap's data to exactly {@code data} and adds or
   * replaces {@code annotations}. A JSON Patch rather than a merge patch because removing a key must
   * be explicit: some servers (fabric8's mock among them) keep a merge patch's {@code null} values.
   *
   * @param existingKeys the data keys the ConfigMap has now (those not in {@code data} are removed)
   * @param hasData whether the ConfigMap has a {@code data} object at all
   * @param hasAnnotations whether it has a {@code metadata.annotations} object
   */
  public static String configMapData(
      Map<String, String> data, Collection<String> existingKeys, boolean hasData, Map<String, String> annotations, boolean hasAnnotations) {
    ArrayNode ops = JSON.createArrayNode();
    if (!annotations.isEmpty()) {
      if (hasAnnotations) {
        annotations.forEach((k, v) -> op(ops, "add", "/metadata/annotations/" + pointer(k)).put("value", v));
      } else {
        ObjectNode value = op(ops, "add", "/metadata/annotations").putObject("value");
        annotations.forEach(value::put);
      }
    }
    if (!hasData) {
      op(ops, "add", "/data").putObject("value");
    }
    for (String k : existingKeys) {
      if (!data.containsKey(k)) {
        op(ops, "remove", "/data/" + pointer(k));
      }
    }
    data.forEach((k, v) -> op(ops, "add", "/data/" + pointer(k)).put("value", v));
    return write(ops);
  }

  /**
   * A JSON Patch that sets a LoadTest's whole {@code status} to {@code status}: {@code add} creates
   * the member or replaces it ({@code replace} fails on an object that has no status yet), and
   * fields of an earlier status that this one lacks go with it.
   */
  public static String loadTestStatus(LoadTestStatus status) {
    ArrayNode ops = JSON.createArrayNode();
    op(ops, "add", "/status").set("value", status.toJson());
    return write(ops);
  }

  private static ObjectNode op(ArrayNode ops, String op, String path) {
    ObjectNode o = ops.addObject();
    o.put("op", op);
    o.put("path", path);
    return o;
  }

  /** Escapes a key as one JSON Pointer (RFC 6901) reference token. */
  static String pointer(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  private static String write(com.fasterxml.jackson.databind.JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
