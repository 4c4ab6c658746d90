package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.protocol.scenario.ApiKind;
import io.barrage.protocol.scenario.Scenario;
import io.barrage.protocol.scenario.Target;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The coordinator's Kubernetes hooks against fabric8's mock API server (CRUD mode, loopback). */
class KubernetesRunHooksTest {

  private static Scenario scenario(String url) {
    return new Scenario("s", List.of(new Target("tgi", ApiKind.TGI_STREAM, url, "llama-2-13b", null, null, null, null)),
        null, null, null, null, null, null, null);
  }

  @Test
  void beforePlanFillsTheDeploymentColumnsOfAServiceTarget() {
    try (ChartObjects k8s = new ChartObjects(1)) {
      k8s.seed.services().inNamespace(ChartObjects.NS).resource(new ServiceBuilder()
          .withNewMetadata().withName("tgi").withNamespace(ChartObjects.NS).endMetadata()
          .withNewSpec().withSelector(Map.of("app", "tgi")).addNewPort().withPort(8080).endPort().endSpec().build()).create();
      k8s.seed.pods().inNamespace(ChartObjects.NS).resource(new PodBuilder()
          .withNewMetadata().withName("tgi-0").withNamespace(ChartObjects.NS).withLabels(Map.of("app", "tgi")).endMetadata()
          .withNewSpec().withNodeName("gpu-a")
          .addNewContainer().withName("tgi").withImage("tgi").withArgs("--num-shard", "2")
          .withNewResources().addToLimits("nvidia.com/gpu", new Quantity("2")).endResources().endContainer().endSpec()
          .withNewStatus().withPhase("Running").endStatus().build()).create();
      var hooks = new KubernetesRunHooks(k8s.facade(4), Duration.ofSeconds(5));

      Scenario s = hooks.beforePlan(scenario("http://tgi.load.svc.cluster.local:8080"));

      assertThat(s.targets().get(0).deployment().gpus()).isEqualTo(2);
      assertThat(s.targets().get(0).deployment().tensorParallel()).isEqualTo(2);
    }
  }

  @Test
  void ensureWorkersScalesTheStatefulSetAndReturnsOnceTheyAreUp() {
    try (ChartObjects k8s = new ChartObjects(1)) {
      var hooks = new KubernetesRunHooks(k8s.facade(4), Duration.ofSeconds(10));
      // the "kubelet": workers are up once the StatefulSet asks for them
      hooks.ensureWorkers(3, k8s::workerReplicas);
      assertThat(k8s.workerReplicas()).isEqualTo(3);

      hooks.ensureWorkers(9, k8s::workerReplicas);
      assertThat(k8s.workerReplicas()).as("never past the chart's maximum").isEqualTo(4);

      hooks.ensureWorkers(2, () -> 4);
      assertThat(k8s.workerReplicas()).as("never scaled down").isEqualTo(4);
    }
  }

  @Test
  void afterResultsExportsTheSmallFilesToTheResultsConfigMap(@TempDir Path dir) throws Exception {
    try (ChartObjects k8s = new ChartObjects(1)) {
      Files.writeString(dir.resolve("summary.json"), "{\"schemaVersion\":1}");
      Files.writeString(dir.resolve("results.csv"), "model\n");
      new KubernetesRunHooks(k8s.facade(4), Duration.ofSeconds(5)).afterResults(dir, "run-7");
      assertThat(k8s.results()).containsEntry("summary.json", "{\"schemaVersion\":1}").containsEntry("results.csv", "model\n");
      assertThat(k8s.resultsAnnotations()).containsEntry("barrage.io/run-id", "run-7");
    }
  }

  @Test
  void whenTheApiIsUnreachableEveryHookGoesOnWithoutIt(@TempDir Path dir) throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      closedPort = s.getLocalPort();
    }
    var hooks = new KubernetesRunHooks(ChartObjects.facade("http://127.0.0.1:" + closedPort, 4), Duration.ofSeconds(2));
    Scenario s = scenario("http://tgi.load.svc:8080");
    assertThat(hooks.beforePlan(s)).isEqualTo(s);
    Files.writeString(dir.resolve("summary.json"), "{}");
    hooks.ensureWorkers(3, () -> 1); // logs a WARN, does not throw
    hooks.afterResults(dir, "r"); // logs a WARN, does not throw
  }
}
