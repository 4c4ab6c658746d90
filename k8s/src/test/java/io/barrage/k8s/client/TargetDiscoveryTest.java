package io.barrage.k8s.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.k8s.model.PriceTable;
import io.barrage.protocol.scenario.ApiKind;
import io.barrage.protocol.scenario.Deployment;
import io.barrage.protocol.scenario.Scenario;
import io.barrage.protocol.scenario.Target;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TargetDiscoveryTest {

  private static final String NS = "llm";
  private static final PriceTable PRICES = new PriceTable(Map.of("g5.12xlarge", 5.672, "p4d.24xlarge", 32.773));

  private MockApi api;

  @BeforeEach
  void start() {
    api = new MockApi();
    node("gpu-a", "g5.12xlarge", "NVIDIA-A10G", "4");
    node("gpu-b", "p4d.24xlarge", "NVIDIA-A100-SXM4-40GB", "8");
    node("cpu-1", "m6i.2xlarge", null, null);
    service("tgi", Map.of("app", "tgi"));
    service("fastapi", Map.of("app", "fastapi"));
    service("external", null);
    // TGI with --num-shard 2 on 2 of the 4 A10G GPUs of gpu-a
    pod("tgi-0", Map.of("app", "tgi"), "gpu-a", "Running", 2, List.of("--model-id", "meta-llama/Llama-2-13b-hf", "--num-shard", "2"));
    // a pending replica and a pod of another app with the same key must not count
    pod("tgi-1", Map.of("app", "tgi"), null, "Pending", 2, List.of("--num-shard", "2"));
    pod("other", Map.of("app", "tgi-canary"), "gpu-b", "Running", 8, List.of());
    // the FastAPI baseline: one A100 of a p4d
    pod("fastapi-0", Map.of("app", "fastapi"), "gpu-b", "Running", 1, List.of());
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private void node(String name, String instance, String product, String count) {
    NodeBuilder b = new NodeBuilder().withNewMetadata().withName(name)
        .addToLabels("node.kubernetes.io/instance-type", instance).endMetadata();
    if (product != null) {
      b.editMetadata().addToLabels("nvidia.com/gpu.product", product).addToLabels("nvidia.com/gpu.count", count).endMetadata();
    }
    api.seed.nodes().resource(b.build()).create();
  }

  private void service(String name, Map<String, String> selector) {
    api.seed.services().inNamespace(NS).resource(new ServiceBuilder()
        .withNewMetadata().withName(name).withNamespace(NS).endMetadata()
        .withNewSpec().withSelector(selector).addNewPort().withPort(8080).endPort().endSpec().build()).create();
  }

  private void pod(String name, Map<String, String> labels, String node, String phase, int gpus, List<String> args) {
    Pod p = new PodBuilder()
        .withNewMetadata().withName(name).withNamespace(NS).withLabels(labels).endMetadata()
        .withNewSpec().withNodeName(node)
        .addNewContainer().withName("server").withImage("ghcr.io/huggingface/text-generation-inference:3.3.6").withArgs(args)
        .withNewResources().addToLimits("nvidia.com/gpu", new Quantity(String.valueOf(gpus))).endResources()
        .endContainer().endSpec()
        .withNewStatus().withPhase(phase).endStatus()
        .build();
    api.seed.pods().inNamespace(NS).resource(p).create();
  }

  private TargetDiscovery discovery(boolean readNodeLabels) {
    return new TargetDiscovery(api.apiClient(), "load", readNodeLabels, PRICES);
  }

  private static Target target(String name, ApiKind api, String url, Deployment d) {
    return new Target(name, api, url, "llama-2-13b", d, null, null, null);
  }

  @Test
  void aServiceTargetGetsItsPodsNodesGpusAndProRatedPrice() {
    Deployment tgi = discovery(true).discover(target("tgi", ApiKind.TGI_STREAM, "http://tgi.llm.svc.cluster.local:8080", null)).orElseThrow();
    assertThat(tgi.instance()).isEqualTo("g5.12xlarge");
    assertThat(tgi.gpuProduct()).isEqualTo("NVIDIA-A10G");
    assertThat(tgi.gpus()).isEqualTo(2);
    assertThat(tgi.tensorParallel()).isEqualTo(2);
    assertThat(tgi.usdPerHour()).isCloseTo(5.672 / 2, org.assertj.core.data.Offset.offset(1e-9));

    Deployment fastapi = discovery(true).discover(target("fastapi", ApiKind.FASTAPI, "http://fastapi.llm:8080/generate", null)).orElseThrow();
    assertThat(fastapi.instance()).isEqualTo("p4d.24xlarge");
    assertThat(fastapi.gpus()).isEqualTo(1);
    assertThat(fastapi.usdPerHour()).isCloseTo(32.773 / 8, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void withoutTheNodeReaderOnlyWhatThePodsSayIsFilled() {
    Deployment tgi = discovery(false).discover(target("tgi", ApiKind.TGI_STREAM, "http://tgi.llm.svc:8080", null)).orElseThrow();
    assertThat(tgi.gpus()).isEqualTo(2);
    assertThat(tgi.tensorParallel()).isEqualTo(2);
    assertThat(tgi.instance()).isNull();
    assertThat(tgi.usdPerHour()).isNull();
  }

  @Test
  void theScenarioKeepsWhatItStatesAndNonServiceTargetsAreLeftAlone() {
    Target explicit = target("tgi", ApiKind.TGI_STREAM, "http://tgi.llm.svc.cluster.local:8080",
        new Deployment("2x-rtx-a4000", null, null, "none", 1.52, null));
    Target byIp = target("byip", ApiKind.TGI, "http://10.0.0.7:8080", null);
    Target noSelector = target("external", ApiKind.OPENAI_CHAT, "http://external.llm:8080", null);
    Target missing = target("missing", ApiKind.TGI, "http://nothing-here.llm:8080", null);
    Scenario s = new Scenario("s", List.of(explicit, byIp, noSelector, missing), null, null, null, null, null, null, null);

    Scenario enriched = discovery(true).enrich(s);

    Deployment d = enriched.targets().get(0).deployment();
    assertThat(d.instance()).isEqualTo("2x-rtx-a4000");
    assertThat(d.usdPerHour()).isEqualTo(1.52);
    assertThat(d.quantization()).isEqualTo("none");
    assertThat(d.gpus()).as("gap filled from the cluster").isEqualTo(2);
    assertThat(d.gpuProduct()).isEqualTo("NVIDIA-A10G");
    assertThat(enriched.targets().subList(1, 4)).containsExactlyElementsOf(s.targets().subList(1, 4));
    assertThat(enriched.name()).isEqualTo("s");
  }

  @Test
  void enrichingKeepsTheTargetsMetricsAndStack() {
    var metrics = new io.barrage.protocol.scenario.MetricsSpec(null, "http://tgi.llm:8080/m", java.time.Duration.ofSeconds(2), "http://gpu-a:9400/metrics");
    Target t = new Target("tgi", ApiKind.TGI_STREAM, "http://tgi.llm:8080", "m", null, null, null, null, null, null, metrics,
        io.barrage.protocol.scenario.Stack.values()[0]);
    Target enriched = discovery(true).enrich(new Scenario("s", List.of(t), null, null, null, null, null, null, null)).targets().get(0);
    assertThat(enriched.deployment().gpus()).as("discovered").isEqualTo(2);
    assertThat(enriched.metrics()).isEqualTo(metrics);
    assertThat(enriched.stack()).isEqualTo(t.stack());
  }
}
