package io.barrage.k8s.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.barrage.common.json.Mappers;
import java.io.IOException;
import java.util.Map;

/**
 * What the chart allows the coordinator to do through the Kubernetes API: the file the chart
 * renders into the {@code <release>-kubernetes} ConfigMap and points {@code BARRAGE_K8S_SETTINGS} at.
 *
 * @param namespace the release's namespace (the API calls' default)
 * @param resultsConfigMap ConfigMap the small result files are exported to; blank = no export
 * @param discoverTargets read the pods behind a target's Service
 * @param readNodeLabels read those pods' nodes' labels (needs the chart's ClusterRole)
 * @param prices instance type → USD/hour
 * @param loadTests run the {@code LoadTest} resources of the namespace (the chart's {@code loadTests.enabled})
 * @param dcgm find the DCGM exporter on the node of a Service target's pods (the chart's
 *     {@code kubernetes.dcgm}); null: off
 */
public record KubernetesSettings(
    String namespace,
    Workers workers,
    String resultsConfigMap,
    boolean discoverTargets,
    boolean readNodeLabels,
    Map<String, Double> prices,
    boolean loadTests,
    Dcgm dcgm) {

  /** The workers' workload; {@code max} bounds any scale-up. */
  public record Workers(WorkloadKind kind, String name, boolean scale, int max) {}

  /**
   * Where the GPUs' DCGM exporter pods run (docs/kubernetes.md, DCGM exporter discovery); each null
   * field takes its default.
   *
   * @param discover look for an exporter on the node of each Service target's pods
   * @param namespace the exporter pods' namespace ({@value #DEFAULT_NAMESPACE})
   * @param selector their label selector ({@value #DEFAULT_SELECTOR})
   * @param port their metrics port (9400)
   * @param path their metrics path ({@code /metrics})
   */
  public record Dcgm(boolean discover, String namespace, String selector, Integer port, String path) {
    public static final String DEFAULT_NAMESPACE = "gpu-operator";
    public static final String DEFAULT_SELECTOR = "app.kubernetes.io/name=dcgm-exporter";

    public Dcgm {
      namespace = namespace == null || namespace.isBlank() ? DEFAULT_NAMESPACE : namespace;
      selector = selector == null || selector.isBlank() ? DEFAULT_SELECTOR : selector;
      port = port == null ? 9400 : port;
      path = path == null || path.isBlank() ? "/metrics" : path.startsWith("/") ? path : "/" + path;
    }
  }

  /** Kinds of workload the worker scaler can patch. */
  public enum WorkloadKind { StatefulSet, Deployment }

  // the chart writes this file; a newer chart's keys must not stop an older image (docs/adr/0251)
  private static final ObjectMapper YAML = Mappers.tolerant(new YAMLFactory());

  public KubernetesSettings {
    prices = prices == null ? Map.of() : Map.copyOf(prices);
  }

  /** Settings without DCGM exporter discovery. */
  public KubernetesSettings(String namespace, Workers workers, String resultsConfigMap, boolean discoverTargets, boolean readNodeLabels,
      Map<String, Double> prices, boolean loadTests) {
    this(namespace, workers, resultsConfigMap, discoverTargets, readNodeLabels, prices, loadTests, null);
  }

  /** Settings without the LoadTest controller. */
  public KubernetesSettings(
      String namespace, Workers workers, String resultsConfigMap, boolean discoverTargets, boolean readNodeLabels, Map<String, Double> prices) {
    this(namespace, workers, resultsConfigMap, discoverTargets, readNodeLabels, prices, false, null);
  }

  public PriceTable priceTable() {
    return new PriceTable(prices);
  }

  public boolean exportsResults() {
    return resultsConfigMap != null && !resultsConfigMap.isBlank();
  }

  public static KubernetesSettings parse(String yaml) {
    try {
      KubernetesSettings s = YAML.readValue(yaml, KubernetesSettings.class);
      if (s == null || s.namespace() == null || s.namespace().isBlank()) {
        throw new IllegalArgumentException("kubernetes settings: 'namespace' is required");
      }
      return s;
    } catch (IOException e) {
      throw new IllegalArgumentException("kubernetes settings are not valid: " + originalMessage(e), e);
    }
  }

  private static String originalMessage(IOException e) {
    return e.getMessage();
  }
}
