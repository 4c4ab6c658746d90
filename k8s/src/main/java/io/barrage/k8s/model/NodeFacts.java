package io.barrage.k8s.model;

import java.util.Map;

/** What a node's well-known labels say about the hardware under a target's pods. */
public record NodeFacts(String name, String instanceType, String gpuProduct, Integer gpuCount) {

  public static final String INSTANCE_TYPE = "node.kubernetes.io/instance-type";
  public static final String GPU_PRODUCT = "nvidia.com/gpu.product";
  public static final String GPU_COUNT = "nvidia.com/gpu.count";

  public static NodeFacts fromLabels(String name, Map<String, String> labels) {
    Map<String, String> l = labels == null ? Map.of() : labels;
    return new NodeFacts(name, blankToNull(l.get(INSTANCE_TYPE)), blankToNull(l.get(GPU_PRODUCT)), parseCount(l.get(GPU_COUNT)));
  }

  private static Integer parseCount(String s) {
    if (s == null || s.isBlank()) {
      return null;
    }
    try {
      int n = Integer.parseInt(s.trim());
      return n >= 0 ? n : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
