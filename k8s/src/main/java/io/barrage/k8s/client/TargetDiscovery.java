package io.barrage.k8s.client;

import io.barrage.k8s.model.DeploymentColumns;
import io.barrage.k8s.model.NodeFacts;
import io.barrage.k8s.model.Placements;
import io.barrage.k8s.model.PodPlacement;
import io.barrage.k8s.model.PriceTable;
import io.barrage.k8s.model.ServiceRef;
import io.barrage.protocol.scenario.Deployment;
import io.barrage.protocol.scenario.Scenario;
import io.barrage.protocol.scenario.Target;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Service;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills a target's deployment columns from the cluster: the Service its URL names, the running
 * pods its selector matches, and (when allowed) the labels of the nodes they run on. Whatever the
 * scenario states explicitly wins. A target that is not a Service, a Service without a selector,
 * or an API refusal leaves the target as it was (logged), never fails the run.
 */
public final class TargetDiscovery {

  private static final Logger log = LoggerFactory.getLogger(TargetDiscovery.class);

  private final CoreV1Api core;
  private final String namespace;
  private final boolean readNodeLabels;
  private final PriceTable prices;

  public TargetDiscovery(ApiClient client, String namespace, boolean readNodeLabels, PriceTable prices) {
    this.core = new CoreV1Api(client);
    this.namespace = namespace;
    this.readNodeLabels = readNodeLabels;
    this.prices = prices;
  }

  /** The scenario with each Service target's deployment gaps filled. */
  public Scenario enrich(Scenario scenario) {
    List<Target> targets = new ArrayList<>();
    for (Target t : scenario.targets()) {
      Optional<Deployment> found = discover(t);
      targets.add(found.map(d -> withDeployment(t, DeploymentColumns.fillGaps(t.deployment(), d))).orElse(t));
    }
    return new Scenario(scenario.name(), List.copyOf(targets), scenario.workload(), scenario.comparison(), scenario.slo(),
        scenario.failOn(), scenario.recommendations(), scenario.repeat(), scenario.onWorkerLoss());
  }

  /** What the cluster says about one target, or empty when it is not a discoverable Service. */
  public Optional<Deployment> discover(Target target) {
    Optional<ServiceRef> ref = ServiceRef.fromUrl(target.url(), namespace);
    if (ref.isEmpty()) {
      return Optional.empty();
    }
    try {
      return discover(ref.get());
    } catch (ApiException e) {
      log.warn("target {}: cannot read Service {} ({} {}); deployment columns left as given",
          target.name(), ref.get(), e.getCode(), e.getCode() == 403 ? "forbidden by RBAC" : "API error");
      return Optional.empty();
    }
  }

  Optional<Deployment> discover(ServiceRef ref) throws ApiException {
    List<PodPlacement> placements = placements(core, ref);
    if (placements.isEmpty()) {
      return Optional.empty();
    }
    Map<String, NodeFacts> nodes = new LinkedHashMap<>();
    if (readNodeLabels) {
      for (String node : placements.stream().map(PodPlacement::node).distinct().toList()) {
        V1Node n = core.readNode(node).execute();
        nodes.put(node, NodeFacts.fromLabels(node, n.getMetadata().getLabels()));
      }
    }
    Deployment d = DeploymentColumns.discover(placements, nodes, prices);
    log.info("Service {}: {} pod(s) on {} node(s): instance={} gpus={} gpuProduct={} usdPerHour={}",
        ref, placements.size(), placements.stream().map(PodPlacement::node).distinct().count(),
        d.instance(), d.gpus(), d.gpuProduct(), d.usdPerHour());
    return Optional.of(d);
  }

  /**
   * The running pods the Service selects, with their nodes; empty (logged) when there is no such
   * Service, it has no selector, or it selects no running pod.
   */
  static List<PodPlacement> placements(CoreV1Api core, ServiceRef ref) throws ApiException {
    V1Service svc;
    try {
      svc = core.readNamespacedService(ref.name(), ref.namespace()).execute();
    } catch (ApiException e) {
      if (e.getCode() == 404) {
        log.debug("no Service {}: target is not discovered", ref);
        return List.of();
      }
      throw e;
    }
    Map<String, String> selector = svc.getSpec() == null ? null : svc.getSpec().getSelector();
    if (selector == null || selector.isEmpty()) {
      log.info("Service {} has no selector; its deployment is not discovered", ref);
      return List.of();
    }
    String labelSelector = new TreeMap<>(selector).entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    List<V1Pod> pods = core.listNamespacedPod(ref.namespace()).labelSelector(labelSelector).execute().getItems();
    List<PodPlacement> placements = pods.stream().map(Placements::of).flatMap(Optional::stream).toList();
    if (placements.isEmpty()) {
      log.warn("Service {} selects no running pod", ref);
    }
    return placements;
  }

  private static Target withDeployment(Target t, Deployment d) {
    return new Target(t.name(), t.api(), t.url(), t.model(), d, t.auth(), t.fastapi(), t.stream(), t.maxNewTokens(), t.tls(),
        t.metrics(), t.stack());
  }
}
