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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills {@code targets[].metrics.dcgmExporters} of a Service target from the cluster: for each node
 * its running pods are on, the DCGM exporter pod on that node (the exporter namespace's pods matching
 * the selector, e.g. {@code app.kubernetes.io/name=dcgm-exporter}), scraped at its pod IP, port and
 * path, with the target's pods on that node (so that only their GPUs are counted where the exporter
 * labels GPUs with pods). A node without a ready exporter is listed without a URL, so that the run
 * reports it missing rather than leaving its GPUs out silently. A target with {@code metrics: false}
 * or its own {@code metrics.dcgm} / {@code dcgmExporters} is left as written; so is one none of whose
 * nodes runs a ready exporter, or when the API refuses (all logged): discovery never fails a run.
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

  /** The scenario with each Service target's DCGM exporters filled in where they could be found. */
  public Scenario enrich(Scenario scenario) {
    List<Target> targets = new ArrayList<>();
    for (Target t : scenario.targets()) {
      targets.add(exporters(t).map(x -> withDcgm(t, x)).orElse(t));
    }
    return new Scenario(scenario.name(), List.copyOf(targets), scenario.workload(), scenario.comparison(), scenario.slo(),
        scenario.failOn(), scenario.recommendations(), scenario.repeat(), scenario.onWorkerLoss());
  }

  /**
   * One exporter per node that runs a pod of the target, in node order, or empty (see the class
   * comment).
   */
  public Optional<List<MetricsSpec.DcgmExporter>> exporters(Target target) {
    MetricsSpec m = target.metrics();
    if (m != null && (!m.on() || m.dcgm() != null || m.dcgmExporters() != null)) {
      return Optional.empty();
    }
    Optional<ServiceRef> ref = ServiceRef.fromUrl(target.url(), namespace);
    if (ref.isEmpty()) {
      return Optional.empty();
    }
    try {
      Map<String, List<String>> podsByNode = new TreeMap<>();
      for (PodPlacement p : TargetDiscovery.placements(core, ref.get())) {
        podsByNode.computeIfAbsent(p.node(), n -> new ArrayList<>()).add(ref.get().namespace() + "/" + p.pod());
      }
      if (podsByNode.isEmpty()) {
        return Optional.empty();
      }
      Map<String, String> byNode = exportersByNode();
      List<MetricsSpec.DcgmExporter> out = new ArrayList<>();
      List<String> without = new ArrayList<>();
      podsByNode.forEach((node, pods) -> {
        String url = byNode.get(node);
        if (url == null) without.add(node);
        out.add(new MetricsSpec.DcgmExporter(url, node, pods.stream().sorted().toList()));
      });
      if (without.size() == out.size()) {
        log.warn("target {}: no running DCGM exporter ({} in namespace {}) on node(s) {}; GPU power is not scraped",
            target.name(), dcgm.selector(), dcgm.namespace(), without);
        return Optional.empty();
      }
      if (!without.isEmpty()) {
        log.warn("target {}: no running DCGM exporter on node(s) {}; the GPU figures will be partial (those nodes are named missing)",
            target.name(), without);
      }
      log.info("target {}: DCGM exporters {}", target.name(),
          out.stream().filter(x -> x.url() != null).map(x -> x.node() + "=" + x.url()).toList());
      return Optional.of(List.copyOf(out));
    } catch (ApiException e) {
      log.warn("target {}: cannot look for its DCGM exporters ({} {}); GPU power is not scraped",
          target.name(), e.getCode(), e.getCode() == 403 ? "forbidden by RBAC" : "API error");
      return Optional.empty();
    }
  }

  /** The URL of the running exporter on each node (the first by pod name where a node has several). */
  private Map<String, String> exportersByNode() throws ApiException {
    List<V1Pod> pods = core.listNamespacedPod(dcgm.namespace()).labelSelector(dcgm.selector()).execute().getItems();
    Map<String, String> out = new HashMap<>();
    pods.stream()
        .filter(p -> p.getSpec() != null && p.getSpec().getNodeName() != null)
        .filter(p -> p.getMetadata() == null || p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()) && p.getStatus().getPodIP() != null)
        .sorted(Comparator.comparing(p -> p.getMetadata() == null ? "" : p.getMetadata().getName()))
        .forEach(p -> out.putIfAbsent(p.getSpec().getNodeName(), url(p.getStatus().getPodIP())));
    return out;
  }

  private String url(String ip) {
    String host = ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip;
    return "http://" + host + ":" + dcgm.port() + dcgm.path();
  }

  private static Target withDcgm(Target t, List<MetricsSpec.DcgmExporter> exporters) {
    MetricsSpec m = t.metrics();
    MetricsSpec with = m == null ? new MetricsSpec(null, null, null, null, exporters)
        : new MetricsSpec(m.enabled(), m.url(), m.interval(), null, exporters);
    return new Target(t.name(), t.api(), t.url(), t.model(), t.deployment(), t.auth(), t.fastapi(), t.stream(), t.maxNewTokens(), t.tls(),
        with, t.stack());
  }
}
