package io.barrage.k8s.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.LintResult;
import io.barrage.k8s.model.KubernetesSettings;
import io.barrage.k8s.model.LoadTestStatus;
import io.kubernetes.client.openapi.models.V1ClusterRole;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1CustomResourceColumnDefinition;
import io.kubernetes.client.openapi.models.V1CustomResourceDefinition;
import io.kubernetes.client.openapi.models.V1CustomResourceDefinitionVersion;
import io.kubernetes.client.openapi.models.V1JSONSchemaProps;
import io.kubernetes.client.openapi.models.V1PolicyRule;
import io.kubernetes.client.openapi.models.V1Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The LoadTest CRD and its RBAC as helm renders them (real helm through helm-java), parsed into
 * client-java's {@link V1CustomResourceDefinition}: off by default, and with {@code loadTests.enabled}
 * a namespaced resource with a status subresource, printer columns, a schema around the scenario and
 * a status schema that keeps every field the coordinator writes (an API server prunes fields its
 * schema does not name).
 */
class LoadTestCrdIT {

  private static final Map<String, Object> ENABLED = Map.of("loadTests.enabled", true);

  @Test
  void offByDefaultNoCrdNoRuleAndTheControllerSwitchOff() {
    RenderedChart chart = RenderedChart.render(Map.of());
    assertThat(chart.all(V1CustomResourceDefinition.class)).isEmpty();
    assertThat(chart.one(V1Role.class, "perf-barrage").getRules()).noneMatch(r -> r.getApiGroups().contains("barrage.io"));
    assertThat(settings(chart).loadTests()).isFalse();
  }

  @Test
  void lintPassesWithLoadTestsOn() throws IOException {
    Path copy = RenderedChart.copyChart();
    Path values = copy.resolve("values.yaml");
    Files.writeString(values, Files.readString(values).replace("loadTests:\n  enabled: false", "loadTests:\n  enabled: true"));
    LintResult result = RenderedChart.lint(copy);
    assertThat(result.isFailed()).as("%s", result.getMessages()).isFalse();
    assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
  }

  @Test
  void theCrdIsANamespacedLoadTestWithAStatusSubresourceAndPrinterColumns() {
    V1CustomResourceDefinition crd = crd();
    assertThat(crd.getMetadata().getName()).isEqualTo("loadtests.barrage.io");
    assertThat(crd.getSpec().getGroup()).isEqualTo("barrage.io");
    assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
    assertThat(crd.getSpec().getNames().getKind()).isEqualTo("LoadTest");
    assertThat(crd.getSpec().getNames().getPlural()).isEqualTo("loadtests");
    V1CustomResourceDefinitionVersion v = version(crd);
    assertThat(v.getName()).isEqualTo("v1alpha1");
    assertThat(v.getServed()).isTrue();
    assertThat(v.getStorage()).isTrue();
    assertThat(v.getSubresources().getStatus()).as("status subresource").isNotNull();
    assertThat(v.getAdditionalPrinterColumns().stream().filter(c -> c.getPriority() == null || c.getPriority() == 0)
        .map(c -> c.getName() + "=" + c.getJsonPath()))
        .containsExactly("Phase=.status.phase", "Progress=.status.progress", "Outcome=.status.outcome", "Age=.metadata.creationTimestamp");
    assertThat(v.getAdditionalPrinterColumns()).filteredOn(c -> c.getName().equals("Age"))
        .extracting(V1CustomResourceColumnDefinition::getType).containsExactly("date");
  }

  @Test
  void theSpecIsAScenarioObjectKeptWholeAndAWorkerCountInTheApisBounds() {
    V1JSONSchemaProps spec = version(crd()).getSchema().getOpenAPIV3Schema().getProperties().get("spec");
    assertThat(spec.getRequired()).containsExactly("scenario");
    V1JSONSchemaProps scenario = spec.getProperties().get("scenario");
    assertThat(scenario.getType()).isEqualTo("object");
    assertThat(scenario.getxKubernetesPreserveUnknownFields()).as("the scenario is kept whole for barrage's own validator").isTrue();
    V1JSONSchemaProps workers = spec.getProperties().get("workers");
    assertThat(workers.getType()).isEqualTo("integer");
    assertThat(workers.getMinimum()).isEqualTo(1);
    assertThat(workers.getMaximum()).isEqualTo(10_000);
  }

  @Test
  void theStatusSchemaNamesEveryFieldTheCoordinatorWritesWithItsTypeAndThePhases() {
    V1JSONSchemaProps status = version(crd()).getSchema().getOpenAPIV3Schema().getProperties().get("status");
    assertThat(status.getProperties().get("phase").getEnum())
        .containsExactlyElementsOf(Arrays.stream(LoadTestStatus.Phase.values()).map(Enum::name).map(n -> (Object) n).toList());
    LoadTestStatus full = new LoadTestStatus(LoadTestStatus.Phase.Failed, "r1", 3, 2, 8, "t/m128/c5", "degraded", "tgi is 2.1x fastapi",
        List.of("errors: 3 failed requests"), "run degraded", "/data/results/r1", Instant.now(), Instant.now());
    JsonNode written = full.toJson();
    for (Iterator<Map.Entry<String, JsonNode>> it = written.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      V1JSONSchemaProps prop = status.getProperties().get(f.getKey());
      assertThat(prop).as("status." + f.getKey() + " in the CRD schema").isNotNull();
      String type = f.getValue().isTextual() ? "string" : f.getValue().isIntegralNumber() ? "integer" : f.getValue().isArray() ? "array" : "?";
      assertThat(prop.getType()).as("type of status." + f.getKey()).isEqualTo(type);
    }
  }

  @Test
  void theCoordinatorMayWatchLoadTestsAndPatchTheirStatusInItsNamespaceOnly() {
    RenderedChart chart = RenderedChart.render(ENABLED);
    List<V1PolicyRule> rules = chart.one(V1Role.class, "perf-barrage").getRules().stream()
        .filter(r -> r.getApiGroups().contains("barrage.io")).toList();
    assertThat(rules).extracting(r -> r.getResources() + ":" + r.getVerbs())
        .containsExactlyInAnyOrder("[loadtests]:[list, watch]", "[loadtests/status]:[patch]");
    assertThat(chart.all(V1ClusterRole.class)).isEmpty();
    assertThat(settings(chart).loadTests()).isTrue();
  }

  private static V1CustomResourceDefinition crd() {
    List<V1CustomResourceDefinition> crds = RenderedChart.render(ENABLED).all(V1CustomResourceDefinition.class);
    assertThat(crds).hasSize(1);
    return crds.get(0);
  }

  private static V1CustomResourceDefinitionVersion version(V1CustomResourceDefinition crd) {
    assertThat(crd.getSpec().getVersions()).hasSize(1);
    return crd.getSpec().getVersions().get(0);
  }

  private static KubernetesSettings settings(RenderedChart chart) {
    V1ConfigMap cm = chart.one(V1ConfigMap.class, "perf-barrage-kubernetes");
    return KubernetesSettings.parse(cm.getData().get("kubernetes.yaml"));
  }
}
