package io.barrage.k8s.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.k8s.model.KubernetesSettings;
import io.barrage.protocol.scenario.ApiKind;
import io.barrage.protocol.scenario.MetricsSpec;
import io.barrage.protocol.scenario.Scenario;
import io.barrage.protocol.scenario.Target;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The DCGM exporter on the node of a Service target's pods, found through the API (fabric8's mock in CRUD mode). */
class DcgmDiscoveryTest {

  private static final String NS = "llm";
  private static final String GPU_OPERATOR = "gpu-operator";
  private static final KubernetesSettings.Dcgm DEFAULTS = new KubernetesSettings.Dcgm(true, null, null, null, null);

  private MockApi api;

  @BeforeEach
  void start() {
    api = new MockApi();
    service("tgi", Map.of("app", "tgi"));
    service("spread", Map.of("app", "spread"));
    service("cpu", Map.of("app", "cpu"));
    service("mixed", Map.of("app", "mixed"));
    pod(NS, "tgi-0", Map.of("app", "tgi"), "gpu-a", "Running", "10.1.0.5");
    pod(NS, "tgi-1", Map.of("app", "tgi"), null, "Pending", null);          // not scheduled: no node to look on
    pod(NS, "spread-0", Map.of("app", "spread"), "gpu-a", "Running", "10.1.0.6");
    pod(NS, "spread-1", Map.of("app", "spread"), "gpu-b", "Running", "10.1.1.6");
    pod(NS, "spread-2", Map.of("app", "spread"), "gpu-b", "Running", "10.1.1.7");
    pod(NS, "cpu-0", Map.of("app", "cpu"), "cpu-1", "Running", "10.1.2.6");
    pod(NS, "mixed-0", Map.of("app", "mixed"), "gpu-b", "Running", "10.1.1.9");
    pod(NS, "mixed-1", Map.of("app", "mixed"), "cpu-1", "Running", "10.1.2.9");
    Map<String, String> exporter = Map.of("app.kubernetes.io/name", "dcgm-exporter");
    pod(GPU_OPERATOR, "dcgm-exporter-a", exporter, "gpu-a", "Running", "10.0.0.7");
    pod(GPU_OPERATOR, "dcgm-exporter-b", exporter, "gpu-b", "Running", "10.0.1.8");
    pod(GPU_OPERATOR, "dcgm-exporter-c", exporter, "cpu-1", "Pending", null);   // not ready on the CPU node
    pod(GPU_OPERATOR, "something-else", Map.of("app", "node-exporter"), "gpu-a", "Running", "10.0.0.9");
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private void service(String name, Map<String, String> selector) {
    api.seed.services().inNamespace(NS).resource(new ServiceBuilder()
        .withNewMetadata().withName(name).withNamespace(NS).endMetadata()
        .withNewSpec().withSelector(selector).addNewPort().withPort(8080).endPort().endSpec().build()).create();
  }

  private void pod(String ns, String name, Map<String, String> labels, String node, String phase, String ip) {
    api.seed.pods().inNamespace(ns).resource(new PodBuilder()
        .withNewMetadata().withName(name).withNamespace(ns).withLabels(labels).endMetadata()
        .withNewSpec().withNodeName(node).addNewContainer().withName("c").withImage("x").endContainer().endSpec()
        .withNewStatus().withPhase(phase).withPodIP(ip).endStatus()
        .build()).create();
  }

  private DcgmDiscovery discovery(KubernetesSettings.Dcgm dcgm) {
    return new DcgmDiscovery(api.apiClient(), "load", dcgm);
  }

  private static Target target(String name, String url, MetricsSpec metrics) {
    return new Target(name, ApiKind.TGI_STREAM, url, "m", null, null, null, null, null, null, metrics, null);
  }

  private static MetricsSpec.DcgmExporter exporter(String url, String node, String... pods) {
    return new MetricsSpec.DcgmExporter(url, node, List.of(pods));
  }

  @Test
  void aServiceTargetGetsTheExporterOnItsPodsNodeWithItsPodsThere() {
    assertThat(discovery(DEFAULTS).exporters(target("tgi", "http://tgi.llm.svc.cluster.local:8080", null)))
        .contains(List.of(exporter("http://10.0.0.7:9400/metrics", "gpu-a", "llm/tgi-0")));
  }

  @Test
  void podsOnSeveralNodesGetTheExporterOfEachNodeWithTheTargetsPodsOnIt() {
    assertThat(discovery(DEFAULTS).exporters(target("spread", "http://spread.llm:8080", null))).contains(List.of(
        exporter("http://10.0.0.7:9400/metrics", "gpu-a", "llm/spread-0"),
        exporter("http://10.0.1.8:9400/metrics", "gpu-b", "llm/spread-1", "llm/spread-2")));
  }

  @Test
  void aNodeWithoutAReadyExporterIsListedWithoutUrlSoTheRunNamesItMissing() {
    assertThat(discovery(DEFAULTS).exporters(target("mixed", "http://mixed.llm:8080", null))).contains(List.of(
        exporter(null, "cpu-1", "llm/mixed-1"),
        exporter("http://10.0.1.8:9400/metrics", "gpu-b", "llm/mixed-0")));
  }

  @Test
  void theScenarioGetsMetricsDcgmAndKeepsTheRestOfItsMetrics() {
    MetricsSpec own = new MetricsSpec(null, "http://tgi.llm:8080/custom-metrics", Duration.ofMillis(500), null);
    Scenario s = new Scenario("s", List.of(target("tgi", "http://tgi.llm:8080", own)), null, null, null, null, null, null, null);
    Target t = discovery(DEFAULTS).enrich(s).targets().get(0);
    assertThat(t.metrics()).isEqualTo(new MetricsSpec(null, "http://tgi.llm:8080/custom-metrics", Duration.ofMillis(500), null,
        List.of(exporter("http://10.0.0.7:9400/metrics", "gpu-a", "llm/tgi-0"))));
    assertThat(t.name()).isEqualTo("tgi");
    assertThat(t.url()).isEqualTo("http://tgi.llm:8080");
  }

  @Test
  void whatTheScenarioStatesWinsAndMetricsFalseStaysOff() {
    Target own = target("tgi", "http://tgi.llm:8080", new MetricsSpec(null, null, null, "http://gpu-node-3:9400/metrics"));
    Target off = target("tgi", "http://tgi.llm:8080", MetricsSpec.of(false));
    Target several = target("tgi", "http://tgi.llm:8080", new MetricsSpec(null, null, null, null,
        List.of(exporter("http://gpu-node-3:9400/metrics", "gpu-node-3"))));
    Scenario s = new Scenario("s", List.of(own, off, several), null, null, null, null, null, null, null);
    assertThat(discovery(DEFAULTS).enrich(s).targets()).containsExactly(own, off, several);
  }

  @Test
  void noExporterIsChosenWhenNoNodeHasAReadyOneOrForATargetThatIsNoService() {
    DcgmDiscovery d = discovery(DEFAULTS);
    assertThat(d.exporters(target("cpu", "http://cpu.llm:8080", null))).as("its exporter is not running").isEmpty();
    assertThat(d.exporters(target("missing", "http://missing.llm:8080", null))).as("no such Service").isEmpty();
    assertThat(d.exporters(target("byip", "http://10.1.0.5:8080", null))).as("not a Service name").isEmpty();
  }

  @Test
  void theSelectorNamespacePortAndPathAreConfigurable() {
    pod("monitoring", "nvidia-dcgm-exporter-x", Map.of("app", "nvidia-dcgm-exporter"), "gpu-a", "Running", "fd00::7");
    var custom = new KubernetesSettings.Dcgm(true, "monitoring", "app=nvidia-dcgm-exporter", 9500, "gpu-metrics");
    assertThat(discovery(custom).exporters(target("tgi", "http://tgi.llm:8080", null)))
        .contains(List.of(exporter("http://[fd00::7]:9500/gpu-metrics", "gpu-a", "llm/tgi-0")));
    var elsewhere = new KubernetesSettings.Dcgm(true, "monitoring", null, null, null);
    assertThat(discovery(elsewhere).exporters(target("tgi", "http://tgi.llm:8080", null))).as("default selector matches nothing there").isEmpty();
  }

  @Test
  void theChartSettingsCarryTheDiscoveryAndItsDefaults() {
    KubernetesSettings on = KubernetesSettings.parse("namespace: load\ndcgm: {discover: true}\n");
    assertThat(on.dcgm()).isEqualTo(new KubernetesSettings.Dcgm(true, "gpu-operator", "app.kubernetes.io/name=dcgm-exporter", 9400, "/metrics"));
    assertThat(KubernetesSettings.parse("namespace: load\n").dcgm()).as("an older chart: off").isNull();
  }
}
