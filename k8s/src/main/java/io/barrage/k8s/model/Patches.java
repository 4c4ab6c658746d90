package io.barrage.k8s.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.Map;

/**
 * JSON merge patches (RFC 7386) of the objects barrage changes. Merge patches, not strategic merge
 * or the {@code /scale} subresource: they work on every API server and mock, and say exactly which
 * fields change.
 */
public final class Patches {

  private static final ObjectMapper JSON = new ObjectMapper();

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
   * Sets a ConfigMap's data to exactly {@code data}: keys present before but not now are removed
   * ({@code null} in a merge patch); annotations are added or replaced.
   */
  public static String configMapData(Map<String, String> data, Collection<String> staleKeys, Map<String, String> annotations) {
    ObjectNode root = JSON.createObjectNode();
    if (!annotations.isEmpty()) {
      ObjectNode ann = root.putObject("metadata").putObject("annotations");
      annotations.forEach(ann::put);
    }
    ObjectNode d = root.putObject("data");
    for (String stale : staleKeys) {
      if (!data.containsKey(stale)) {
        d.putNull(stale);
      }
    }
    data.forEach(d::put);
    return write(root);
  }

  private static String write(ObjectNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
