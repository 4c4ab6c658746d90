package io.barrage.k8s.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.barrage.protocol.scenario.Deployment;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodStatus;
import io.kubernetes.client.openapi.models.V1ResourceRequirements;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The pure builders of {@code k8s.model}: no API server involved. */
class ModelTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theReplicasPatchSetsOnlyTheReplicas() throws Exception {
    assertThat(JSON.readTree(Patches.replicas(7))).isEqualTo(JSON.readTree("{\"spec\":{\"replicas\":7}}"));
    assertThatThrownBy(() -> Patches.replicas(-1)).hasMessageContaining("replicas");
  }

  @Test
  void theConfigMapPatchRemovesStaleKeysAndEscapesPointers() throws Exception {
    Map<String, String> data = new LinkedHashMap<>();
    data.put("summary.json", "{}");
    JsonNode ops = JSON.readTree(Patches.configMapData(data, List.of("summary.json", "report.html"), true,
        Map.of("barrage.io/run-id", "r1"), true));
    assertThat(ops).hasSize(3);
    assertThat(ops.get(0).get("path").asText()).isEqualTo("/metadata/annotations/barrage.io~1run-id");
    assertThat(ops.get(1).get("op").asText()).isEqualTo("remove");
    assertThat(ops.get(1).get("path").asText()).isEqualTo("/data/report.html");
    assertThat(ops.get(2).get("value").asText()).isEqualTo("{}");

    JsonNode fresh = JSON.readTree(Patches.configMapData(data, List.of(), false, Map.of("a", "b"), false));
    assertThat(fresh.get(0).get("path").asText()).isEqualTo("/metadata/annotations");
    assertThat(fresh.get(1).get("path").asText()).isEqualTo("/data");
    assertThat(Patches.pointer("a~b/c")).isEqualTo("a~0b~1c");
  }

  @ParameterizedTest
  @CsvSource({
      "http://tgi:8080, load, tgi",
      "http://tgi.llm:8080, llm, tgi",
      "http://tgi.llm.svc:8080/generate, llm, tgi",
      "http://tgi.llm.svc.cluster.local:8080, llm, tgi",
      "https://tgi.llm.svc.corp.example:443, llm, tgi"})
  void clusterDnsNamesAreServices(String url, String namespace, String name) {
    assertThat(ServiceRef.fromUrl(url, "load")).contains(new ServiceRef(namespace, name));
  }

  @ParameterizedTest
  @CsvSource({"http://127.0.0.1:8080", "http://[::1]:8080", "http://localhost:8080", "https://api.openai.com/v1", "not a url"})
  void otherHostsAreNotServices(String url) {
    assertThat(ServiceRef.fromUrl(url, "load")).isEmpty();
  }

  @Test
  void nodeLabelsAreReadLeniently() {
    assertThat(NodeFacts.fromLabels("n", Map.of(NodeFacts.INSTANCE_TYPE, "g5.xlarge", NodeFacts.GPU_COUNT, "4", NodeFacts.GPU_PRODUCT, "NVIDIA-A10G")))
        .isEqualTo(new NodeFacts("n", "g5.xlarge", "NVIDIA-A10G", 4));
    assertThat(NodeFacts.fromLabels("n", Map.of(NodeFacts.GPU_COUNT, "many"))).isEqualTo(new NodeFacts("n", null, null, null));
    assertThat(NodeFacts.fromLabels("n", null).instanceType()).isNull();
  }

  @Test
  void twoNodesOfDifferentTypesAreNamedBothAndChargedWhole() {
    Map<String, NodeFacts> nodes = Map.of(
        "a", new NodeFacts("a", "g5.xlarge", "NVIDIA-A10G", 1),
        "b", new NodeFacts("b", "g5.2xlarge", "NVIDIA-A10G", 1));
    Deployment d = DeploymentColumns.discover(
        List.of(new PodPlacement("p0", "a", 1, null), new PodPlacement("p1", "b", 1, null)),
        nodes, new PriceTable(Map.of("g5.xlarge", 1.006, "g5.2xlarge", 1.212)));
    assertThat(d.instance()).isEqualTo("g5.2xlarge+g5.xlarge");
    assertThat(d.gpuProduct()).isEqualTo("NVIDIA-A10G");
    assertThat(d.gpus()).isEqualTo(2);
    assertThat(d.usdPerHour()).isCloseTo(2.218, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(d.tensorParallel()).isNull();
  }

  @Test
  void withoutGpuRequestsTheNodesGpuCountAndWholePriceCount() {
    Deployment d = DeploymentColumns.discover(List.of(new PodPlacement("p", "a", 0, 4)),
        Map.of("a", new NodeFacts("a", "g5.12xlarge", "NVIDIA-A10G", 4)), new PriceTable(Map.of("g5.12xlarge", 5.672)));
    assertThat(d.gpus()).isEqualTo(4);
    assertThat(d.usdPerHour()).isEqualTo(5.672);
    assertThat(d.tensorParallel()).isEqualTo(4);
  }

  @Test
  void anUnpricedNodeMeansNoPriceAndNoPodsMeansNothing() {
    Deployment d = DeploymentColumns.discover(List.of(new PodPlacement("p", "a", 1, null)),
        Map.of("a", new NodeFacts("a", "x1.custom", null, null)), PriceTable.empty());
    assertThat(d.usdPerHour()).isNull();
    assertThat(d.instance()).isEqualTo("x1.custom");
    assertThat(DeploymentColumns.discover(List.of(), Map.of(), PriceTable.empty())).isEqualTo(Deployment.unknown());
    assertThatThrownBy(() -> new PriceTable(Map.of("g5", -1.0))).hasMessageContaining("g5");
  }

  @Test
  void explicitColumnsWinAndGapsAreFilled() {
    Deployment explicit = new Deployment("2x-rtx-a4000", null, 2, null, 1.52, null);
    Deployment found = new Deployment("g5.12xlarge", 2, 4, "none", 2.8, "NVIDIA-A10G");
    assertThat(DeploymentColumns.fillGaps(explicit, found)).isEqualTo(new Deployment("2x-rtx-a4000", 2, 2, "none", 1.52, "NVIDIA-A10G"));
    assertThat(DeploymentColumns.fillGaps(null, found)).isEqualTo(found);
  }

  @Test
  void onlyRunningScheduledPodsArePlacedWithTheirGpusAndShards() {
    V1Pod running = pod("tgi-0", "gpu-a", "Running", List.of("--num-shard=2"), null, "2");
    assertThat(Placements.of(running)).contains(new PodPlacement("tgi-0", "gpu-a", 2, 2));
    V1Pod byEnv = pod("tgi-1", "gpu-a", "Running", List.of(), new V1EnvVar().name("NUM_SHARD").value("4"), null);
    assertThat(Placements.of(byEnv)).contains(new PodPlacement("tgi-1", "gpu-a", 0, 4));
    assertThat(Placements.of(pod("p", null, "Pending", List.of(), null, "1"))).isEmpty();
    assertThat(Placements.of(pod("p", "n", "Succeeded", List.of(), null, "1"))).isEmpty();
    V1Pod terminating = pod("p", "n", "Running", List.of(), null, "1");
    terminating.getMetadata().setDeletionTimestamp(OffsetDateTime.now());
    assertThat(Placements.of(terminating)).isEqualTo(Optional.empty());
  }

  private static V1Pod pod(String name, String node, String phase, List<String> args, V1EnvVar env, String gpus) {
    V1Container c = new V1Container().name("server").image("tgi").args(args);
    if (env != null) {
      c.addEnvItem(env);
    }
    if (gpus != null) {
      c.resources(new V1ResourceRequirements().putLimitsItem(Placements.GPU_RESOURCE, new Quantity(gpus)));
    }
    return new V1Pod().metadata(new V1ObjectMeta().name(name)).spec(new V1PodSpec().nodeName(node).addContainersItem(c))
        .status(new V1PodStatus().phase(phase));
  }

  @Test
  void resultFilesAreTakenInOrderWhileTheyFit() {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("summary.json", "x".repeat(100));
    files.put("results.csv", "y".repeat(50));
    files.put("report.html", "z".repeat(500));
    ResultBundle b = ResultBundle.select(files, 200);
    assertThat(b.files()).containsOnlyKeys("summary.json", "results.csv");
    assertThat(b.skipped()).containsExactly("report.html");
  }

  @Test
  void settingsParseAndNameWhatIsMissing() {
    KubernetesSettings s = KubernetesSettings.parse("""
        namespace: load
        workers: {kind: StatefulSet, name: perf-barrage-worker, scale: true, max: 16}
        resultsConfigMap: perf-barrage-results
        discoverTargets: true
        readNodeLabels: false
        prices: {g5.12xlarge: 5.672}
        """);
    assertThat(s.workers()).isEqualTo(new KubernetesSettings.Workers(KubernetesSettings.WorkloadKind.StatefulSet, "perf-barrage-worker", true, 16));
    assertThat(s.priceTable().of("g5.12xlarge")).contains(5.672);
    assertThat(s.exportsResults()).isTrue();
    assertThatThrownBy(() -> KubernetesSettings.parse("workers: {}\n")).hasMessageContaining("namespace");
    assertThatThrownBy(() -> KubernetesSettings.parse("namespace: [")).hasMessageContaining("not valid");
  }
}
