package io.barrage.k8s.model;

import io.barrage.protocol.scenario.Deployment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Derives a target's deployment columns (instance, GPUs, GPU product, tensor parallelism, USD/hour)
 * from the pods behind its Service and their nodes' labels. What the scenario states explicitly
 * always wins; discovery only fills the gaps.
 *
 * <p>Cost: each node is charged at its instance type's price, pro-rated by the share of its GPUs the
 * target's pods hold when both numbers are known (a 2-GPU pod on an 8-GPU node costs a quarter of
 * the node); otherwise the whole node. Unknown price for any node → no USD/hour.
 */
public final class DeploymentColumns {

  private DeploymentColumns() {}

  public static Deployment discover(List<PodPlacement> pods, Map<String, NodeFacts> nodes, PriceTable prices) {
    if (pods.isEmpty()) {
      return Deployment.unknown();
    }
    Map<String, Integer> gpusPerNode = new LinkedHashMap<>();
    for (PodPlacement p : pods) {
      gpusPerNode.merge(p.node(), p.gpus(), Integer::sum);
    }
    List<NodeFacts> used = gpusPerNode.keySet().stream().map(nodes::get).filter(Objects::nonNull).toList();

    String instance = joinDistinct(used.stream().map(NodeFacts::instanceType).toList());
    String product = joinDistinct(used.stream().map(NodeFacts::gpuProduct).toList());

    int podGpus = pods.stream().mapToInt(PodPlacement::gpus).sum();
    Integer gpus = podGpus > 0 ? Integer.valueOf(podGpus) : nodeGpus(used, gpusPerNode.size());

    TreeSet<Integer> shards = pods.stream().map(PodPlacement::numShard).filter(Objects::nonNull).collect(Collectors.toCollection(TreeSet::new));
    Integer tensorParallel = shards.size() == 1 && pods.stream().allMatch(p -> p.numShard() != null) ? shards.first() : null;

    Double usd = 0.0;
    for (Map.Entry<String, Integer> e : gpusPerNode.entrySet()) {
      NodeFacts n = nodes.get(e.getKey());
      Double price = n == null ? null : prices.of(n.instanceType()).orElse(null);
      if (price == null) {
        usd = null;
        break;
      }
      int held = e.getValue();
      if (n.gpuCount() != null && n.gpuCount() > 0 && held > 0) {
        usd += price * Math.min(held, n.gpuCount()) / n.gpuCount();
      } else {
        usd += price;
      }
    }
    return new Deployment(instance, gpus, tensorParallel, null, usd, product);
  }

  /** {@code explicit}'s fields, each missing one taken from {@code discovered}. */
  public static Deployment fillGaps(Deployment explicit, Deployment discovered) {
    Deployment e = explicit == null ? Deployment.unknown() : explicit;
    return new Deployment(
        e.instance() != null ? e.instance() : discovered.instance(),
        e.gpus() != null ? e.gpus() : discovered.gpus(),
        e.tensorParallel() != null ? e.tensorParallel() : discovered.tensorParallel(),
        e.quantization() != null ? e.quantization() : discovered.quantization(),
        e.usdPerHour() != null ? e.usdPerHour() : discovered.usdPerHour(),
        e.gpuProduct() != null ? e.gpuProduct() : discovered.gpuProduct());
  }

  private static Integer nodeGpus(List<NodeFacts> used, int nodeCount) {
    if (used.size() != nodeCount || used.stream().anyMatch(n -> n.gpuCount() == null)) {
      return null;
    }
    return used.stream().mapToInt(NodeFacts::gpuCount).sum();
  }

  /** One value, or the distinct values joined with {@code +} (a target spread over mixed nodes). */
  private static String joinDistinct(List<String> values) {
    if (values.isEmpty() || values.stream().anyMatch(Objects::isNull)) {
      TreeSet<String> known = values.stream().filter(Objects::nonNull).collect(Collectors.toCollection(TreeSet::new));
      return known.isEmpty() ? null : String.join("+", known);
    }
    return String.join("+", new TreeSet<>(values));
  }
}
