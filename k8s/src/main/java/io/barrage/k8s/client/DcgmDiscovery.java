package io.barrage.k8s.client;

import io.barrage.k8s.model.KubernetesSettings;
import io.barrage.k8s.model.PodPlacement;
import io.barrage.k8s.model.ServiceRef;
import io.barrage.protocol.scenario.MetricsSpec;
import io.barrage.protocol.scenario.Scenario;
import io.barrage.protocol.scenario.Target;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Pod;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills {@code targets[].metrics.dcgm} of a Service target from the cluster: the node its running
 * pods are on, and the DCGM exporter pod on that node (the exporter namespace's pods matching the
 * selector, e.g. {@code app.kubernetes.io/name=dcgm-exporter}), scraped at its pod IP, port and path.
 * A target with {@code metrics: false} or its own {@code metrics.dcgm} is left as written; so is one
 * whose pods run on several nodes (one exporter URL per target), or whose node runs no ready
 * exporter, or when the API refuses (all logged): discovery never fails a run.
 */
public final class DcgmDiscovery {

  private static final Logger log = LoggerFactory.getLogger(DcgmDiscovery.class);

  private final CoreV1Api core;
  private final String namespace;
  private final KubernetesSettings.Dcgm dcgm;

  /**
   * @param namespace the release's namespace: a Service URL without one names a Service there
   */
  public DcgmDiscovery(ApiClient client, String namespace, KubernetesSettings.Dcgm dcgm) {
    this.core = new CoreV1Api(client);
    this.namespace = namespace;
    this.dcgm = dcgm;
  }

  /** The scenario with each Service target's DCGM exporter filled in where it could be found. */
  public Scenario enrich(Scenario scenario) {
    List<Target> targets = new ArrayList<>();
    for (Target t : scenario.targets()) {
      targets.add(exporterUrl(t).map(url -> withDcgm(t, url)).orElse(t));
    }
    return new Scenario(scenario.name(), List.copyOf(targets), scenario.workload(), scenario.comparison(), scenario.slo(),
        scenario.failOn(), scenario.recommendations(), scenario.repeat(), scenario.onWorkerLoss());
  }

  /** The exporter URL for the node the target's pods run on, or empty (see the class comment). */
  public Optional<String> exporterUrl(Target target) {
    MetricsSpec m = target.metrics();
    if (m != null && (!m.on() || m.dcgm() != null)) {
      return Optional.empty();
    }
    Optional<ServiceRef> ref = ServiceRef.fromUrl(target.url(), namespace);
    if (ref.isEmpty()) {
      return Optional.empty();
    }
    try {
      List<String> nodes = TargetDiscovery.placements(core, ref.get()).stream().map(PodPlacement::node).distinct().sorted().toList();
      if (nodes.isEmpty()) {
        return Optional.empty();
      }
      if (nodes.size() > 1) {
        log.warn("target {}: its pods run on {} nodes {}; one DCGM exporter per target is scraped, so none is chosen: set metrics.dcgm",
            target.name(), nodes.size(), nodes);
        return Optional.empty();
      }
      Optional<String> url = onNode(nodes.get(0));
      if (url.isEmpty()) {
        log.warn("target {}: no running DCGM exporter ({} in namespace {}) on node {}; GPU power is not scraped",
            target.name(), dcgm.selector(), dcgm.namespace(), nodes.get(0));
      } else {
        log.info("target {}: DCGM exporter on node {}: {}", target.name(), nodes.get(0), url.get());
      }
      return url;
    } catch (ApiException e) {
      log.warn("target {}: cannot look for its DCGM exporter ({} {}); GPU power is not scraped",
          target.name(), e.getCode(), e.getCode() == 403 ? "forbidden by RBAC" : "API error");
      return Optional.empty();
    }
  }

  private Optional<String> onNode(String node) throws ApiException {
    List<V1Pod> pods = core.listNamespacedPod(dcgm.namespace()).labelSelector(dcgm.selector()).execute().getItems();
    return pods.stream()
        .filter(p -> p.getSpec() != null && node.equals(p.getSpec().getNodeName()))
        .filter(p -> p.getMetadata() == null || p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()) && p.getStatus().getPodIP() != null)
        .min(Comparator.comparing(p -> p.getMetadata() == null ? "" : p.getMetadata().getName()))
        .map(p -> url(p.getStatus().getPodIP()));
  }

  private String url(String ip) {
    String host = ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip;
    return "http://" + host + ":" + dcgm.port() + dcgm.path();
  }

  private static Target withDcgm(Target t, String url) {
    MetricsSpec m = t.metrics();
    MetricsSpec with = m == null ? new MetricsSpec(null, null, null, url) : new MetricsSpec(m.enabled(), m.url(), m.interval(), url);
    return new Target(t.name(), t.api(), t.url(), t.model(), t.deployment(), t.auth(), t.fastapi(), t.stream(), t.maxNewTokens(), t.tls(),
        with, t.stack());
  }
}
