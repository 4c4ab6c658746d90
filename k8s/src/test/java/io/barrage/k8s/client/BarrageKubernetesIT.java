package io.barrage.k8s.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.k8s.chart.RenderedChart;
import io.barrage.protocol.scenario.ApiKind;
import io.barrage.protocol.scenario.Scenario;
import io.barrage.protocol.scenario.Target;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.util.Yaml;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The facade as the coordinator will use it under the chart: the settings file and the worker
 * StatefulSet and results ConfigMap are the ones helm renders, loaded into the mock API server.
 */
class BarrageKubernetesIT {

  @Test
  void underTheChartTheFacadeScalesTheChartsWorkersAndExportsToTheChartsConfigMap(@TempDir Path dir) throws Exception {
    RenderedChart chart = RenderedChart.render(List.of("production.yaml"), Map.of("kubernetes.maxWorkers", 12));
    try (MockApi api = new MockApi()) {
      V1StatefulSet sts = chart.one(V1StatefulSet.class, "perf-barrage-worker");
      V1ConfigMap results = chart.one(V1ConfigMap.class, "perf-barrage-results");
      for (Object o : List.of(sts, results)) {
        api.seed.inNamespace(RenderedChart.NAMESPACE)
            .load(new ByteArrayInputStream(Yaml.dump(o).getBytes(StandardCharsets.UTF_8))).create();
      }
      Path settings = dir.resolve("kubernetes.yaml");
      Files.writeString(settings, chart.one(V1ConfigMap.class, "perf-barrage-kubernetes").getData().get("kubernetes.yaml"));
      Path kubeconfig = api.kubeconfig(dir, "somewhere-else");

      BarrageKubernetes k8s = BarrageKubernetes.fromEnvironment(
          Map.of(BarrageKubernetes.SETTINGS_ENV, settings.toString(), "KUBECONFIG", kubeconfig.toString()),
          dir.resolve("no-sa"), dir).orElseThrow();

      assertThat(k8s.settings().namespace()).as("the release namespace, not the kubeconfig's").isEqualTo("load");
      assertThat(k8s.settings().priceTable().of("g5.12xlarge")).contains(5.672);

      WorkerScaler.Outcome scaled = k8s.ensureWorkers(20, Duration.ofSeconds(5), () -> 12).orElseThrow();
      assertThat(scaled.capped()).isTrue();
      assertThat(api.seed.apps().statefulSets().inNamespace("load").withName("perf-barrage-worker").get().getSpec().getReplicas())
          .isEqualTo(12);

      Path out = Files.createDirectories(dir.resolve("run"));
      Files.writeString(out.resolve("summary.json"), "{\"schemaVersion\":1}");
      Files.writeString(out.resolve("results.csv"), "model\n");
      ResultExporter.Exported exported = k8s.exportResults(out, "run-1").orElseThrow();
      assertThat(exported.files()).containsExactly("summary.json", "results.csv");
      assertThat(api.seed.configMaps().inNamespace("load").withName("perf-barrage-results").get().getData())
          .containsEntry("summary.json", "{\"schemaVersion\":1}");

      Scenario s = new Scenario("s", List.of(new Target("t", ApiKind.TGI, "http://127.0.0.1:1", null, null, null, null, null)),
          null, null, null, null, null, null, null);
      assertThat(k8s.discoverTargets(s)).isEqualTo(s);
    }
  }

  @Test
  void outsideTheChartThereIsNoIntegration(@TempDir Path dir) throws Exception {
    assertThat(BarrageKubernetes.fromEnvironment(Map.of(), dir, dir)).isEmpty();
    Path settings = Files.writeString(dir.resolve("k.yaml"), "namespace: load\n");
    assertThat(BarrageKubernetes.fromEnvironment(Map.of(BarrageKubernetes.SETTINGS_ENV, settings.toString()), dir.resolve("sa"), dir))
        .as("settings but no API server").isEmpty();
  }

  @Test
  void featuresTheChartSwitchedOffAreNotUsed(@TempDir Path dir) throws Exception {
    RenderedChart chart = RenderedChart.render(Map.of("kubernetes.scaleWorkers", false, "results.configMap.enabled", false));
    try (MockApi api = new MockApi()) {
      Path settings = Files.writeString(dir.resolve("k.yaml"),
          chart.one(V1ConfigMap.class, "perf-barrage-kubernetes").getData().get("kubernetes.yaml"));
      BarrageKubernetes k8s = BarrageKubernetes.fromEnvironment(
          Map.of(BarrageKubernetes.SETTINGS_ENV, settings.toString(), "KUBECONFIG", api.kubeconfig(dir, "x").toString()),
          dir.resolve("sa"), dir).orElseThrow();
      assertThat(k8s.ensureWorkers(4, Duration.ofSeconds(1), () -> 0)).isEmpty();
      assertThat(k8s.exportResults(dir, "r")).isEmpty();
    }
  }
}
