package io.barrage.cli;

import io.barrage.k8s.client.BarrageKubernetes;
import io.barrage.k8s.client.KubernetesEnvironment;
import io.barrage.k8s.model.KubernetesSettings;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.barrage.k8s.client.MockApi;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.kubernetes.client.util.ClientBuilder;
import java.time.Duration;
import java.util.Map;

/**
 * The k8s module's mock API server ({@link MockApi}, from its test-jar) seeded with what the chart
 * creates for the coordinator to use (the worker StatefulSet, the results ConfigMap), and the
 * {@code k8s} facade pointed at it as the chart's settings would.
 */
final class MockKubernetes implements AutoCloseable {
  static final String NS = "load";
  static final String WORKERS = "barrage-worker";
  static final String RESULTS = "barrage-results";

  private final MockApi api = new MockApi();
  final NamespacedKubernetesClient seed = api.seed;

  MockKubernetes(int workerReplicas) {
    seed.apps().statefulSets().inNamespace(NS).resource(new StatefulSetBuilder()
        .withNewMetadata().withName(WORKERS).withNamespace(NS).endMetadata()
        .withNewSpec().withReplicas(workerReplicas).withServiceName(WORKERS)
        .withNewSelector().addToMatchLabels("app", "w").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "w").endMetadata()
        .withNewSpec().addNewContainer().withName("worker").withImage("barrage").endContainer().endSpec().endTemplate()
        .endSpec().build()).create();
    seed.configMaps().inNamespace(NS).resource(new ConfigMapBuilder()
        .withNewMetadata().withName(RESULTS).withNamespace(NS).endMetadata().build()).create();
  }

  String url() {
    return api.url();
  }

  /** The facade as the chart would configure it: scale up to {@code maxWorkers}, export, discover. */
  BarrageKubernetes facade(int maxWorkers) {
    return facade(url(), maxWorkers);
  }

  static BarrageKubernetes facade(String apiUrl, int maxWorkers) {
    KubernetesSettings settings = new KubernetesSettings(NS,
        new KubernetesSettings.Workers(KubernetesSettings.WorkloadKind.StatefulSet, WORKERS, true, maxWorkers),
        RESULTS, true, false, Map.of());
    var client = new ClientBuilder().setBasePath(apiUrl).setVerifyingSsl(false).build();
    return new BarrageKubernetes(new KubernetesEnvironment(client, NS, KubernetesEnvironment.Mode.KUBECONFIG, apiUrl), settings, Duration.ofMillis(100));
  }

  int workerReplicas() {
    return seed.apps().statefulSets().inNamespace(NS).withName(WORKERS).get().getSpec().getReplicas();
  }

  Map<String, String> results() {
    var cm = seed.configMaps().inNamespace(NS).withName(RESULTS).get();
    return cm.getData() == null ? Map.of() : cm.getData();
  }

  Map<String, String> resultsAnnotations() {
    var a = seed.configMaps().inNamespace(NS).withName(RESULTS).get().getMetadata().getAnnotations();
    return a == null ? Map.of() : a;
  }

  @Override
  public void close() {
    api.close();
  }
}
