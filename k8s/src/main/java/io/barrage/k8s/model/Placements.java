package io.barrage.k8s.model;

import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1Pod;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Reads a {@link PodPlacement} from a pod object (no API calls). */
public final class Placements {

  public static final String GPU_RESOURCE = "nvidia.com/gpu";

  private Placements() {}

  /** The pod's placement, or empty when it is not running on a node (pending, terminating, done). */
  public static Optional<PodPlacement> of(V1Pod pod) {
    if (pod.getSpec() == null || pod.getSpec().getNodeName() == null) {
      return Optional.empty();
    }
    if (pod.getMetadata() != null && pod.getMetadata().getDeletionTimestamp() != null) {
      return Optional.empty();
    }
    if (pod.getStatus() != null && !"Running".equals(pod.getStatus().getPhase())) {
      return Optional.empty();
    }
    int gpus = 0;
    Integer shards = null;
    for (V1Container c : pod.getSpec().getContainers()) {
      gpus += gpuLimit(c);
      if (shards == null) {
        shards = numShard(c);
      }
    }
    return Optional.of(new PodPlacement(pod.getMetadata().getName(), pod.getSpec().getNodeName(), gpus, shards));
  }

  private static int gpuLimit(V1Container c) {
    if (c.getResources() == null) {
      return 0;
    }
    Map<String, Quantity> limits = c.getResources().getLimits();
    Quantity q = limits == null ? null : limits.get(GPU_RESOURCE);
    if (q == null && c.getResources().getRequests() != null) {
      q = c.getResources().getRequests().get(GPU_RESOURCE);
    }
    return q == null ? 0 : q.getNumber().intValue();
  }

  /** TGI's shard count from {@code --num-shard N}, {@code --num-shard=N} or env {@code NUM_SHARD}. */
  static Integer numShard(V1Container c) {
    List<String> args = new java.util.ArrayList<>();
    if (c.getCommand() != null) {
      args.addAll(c.getCommand());
    }
    if (c.getArgs() != null) {
      args.addAll(c.getArgs());
    }
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--num-shard") && i + 1 < args.size()) {
        return positive(args.get(i + 1));
      }
      if (a.startsWith("--num-shard=")) {
        return positive(a.substring("--num-shard=".length()));
      }
    }
    if (c.getEnv() != null) {
      return c.getEnv().stream()
          .filter(e -> "NUM_SHARD".equals(e.getName()))
          .map(V1EnvVar::getValue)
          .filter(Objects::nonNull)
          .map(Placements::positive)
          .filter(Objects::nonNull)
          .findFirst()
          .orElse(null);
    }
    return null;
  }

  private static Integer positive(String s) {
    try {
      int n = Integer.parseInt(s.trim());
      return n > 0 ? n : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
