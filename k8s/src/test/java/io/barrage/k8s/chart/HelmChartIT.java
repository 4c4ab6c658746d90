package io.barrage.k8s.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.barrage.protocol.scenario.Scenario;
import io.barrage.protocol.scenario.ScenarioLoader;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.openapi.models.V1ClusterRole;
import io.kubernetes.client.openapi.models.V1ClusterRoleBinding;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1NodeSelectorRequirement;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1PolicyRule;
import io.kubernetes.client.openapi.models.V1Role;
import io.kubernetes.client.openapi.models.V1RoleBinding;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The chart as helm renders it, checked object by object with the Kubernetes client's model. */
class HelmChartIT {

  private static final String COORDINATOR = "perf-barrage-coordinator";
  private static final String WORKERS = "perf-barrage-worker";
  private static final String COORDINATOR_DNS = COORDINATOR + ".load.svc.cluster.local";

  /** Value sets every structural rule must hold for. */
  static Stream<Arguments> valueSets() {
    return Stream.of(
        Arguments.of("defaults", List.of()),
        Arguments.of("production", List.of("production.yaml")),
        Arguments.of("simulator", List.of("simulator.yaml")),
        Arguments.of("existing-objects", List.of("existing-objects.yaml")));
  }

  private static RenderedChart render(List<String> files) {
    return RenderedChart.withHooks(files, Map.of());
  }

  // ---- lint -------------------------------------------------------------------------------------

  @Test
  void lintPassesOnTheDefaultValues() {
    LintResult result = RenderedChart.lint(RenderedChart.CHART);
    assertThat(result.isFailed()).as("%s", result.getMessages()).isFalse();
    assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void lintPassesOnEveryShippedValueSet(String name, List<String> files) throws IOException {
    Path copy = RenderedChart.copyChart();
    if (!files.isEmpty()) {
      // helm-java's lint takes no values file: lint a copy whose values.yaml is the defaults
      // deep-merged with the value set, as `helm lint -f` would see them
      Files.writeString(copy.resolve("values.yaml"), mergedValues(files.get(0)));
    }
    LintResult result = RenderedChart.lint(copy);
    assertThat(result.isFailed()).as("%s", result.getMessages()).isFalse();
  }

  // ---- every object parses -------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void everyRenderedObjectIsAKnownKubernetesTypeWithANameAndTheReleaseLabels(String name, List<String> files) {
    RenderedChart chart = render(files);
    assertThat(chart.objects).isNotEmpty();
    for (KubernetesObject o : chart.objects) {
      assertThat(o.getMetadata().getName()).as(o.getKind()).isNotBlank().hasSizeLessThanOrEqualTo(63);
      assertThat(o.getMetadata().getLabels())
          .as(o.getKind() + "/" + o.getMetadata().getName())
          .containsEntry("app.kubernetes.io/instance", RenderedChart.RELEASE)
          .containsEntry("app.kubernetes.io/name", "barrage");
    }
  }

  // ---- RBAC ---------------------------------------------------------------------------------------

  @Test
  void rbacIsNamespacedAndGrantsOnlyTheVerbsTheK8sModuleCalls() {
    RenderedChart chart = render(List.of());
    assertThat(chart.all(V1ClusterRole.class)).isEmpty();
    assertThat(chart.all(V1ClusterRoleBinding.class)).isEmpty();

    V1Role role = chart.one(V1Role.class, "perf-barrage");
    assertThat(ruleSummary(role.getRules()))
        .containsExactlyInAnyOrder(
            "apps/statefulsets[perf-barrage-worker]:get,patch",
            "/configmaps[perf-barrage-results]:get,patch",
            "/services[*]:get",
            "/pods[*]:list");
    for (V1PolicyRule r : role.getRules()) {
      assertThat(r.getVerbs()).doesNotContain("*", "create", "delete", "deletecollection", "update", "watch", "escalate", "bind");
      assertThat(r.getResources()).doesNotContain("*", "secrets");
    }

    V1RoleBinding binding = chart.one(V1RoleBinding.class, "perf-barrage");
    assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
    assertThat(binding.getRoleRef().getName()).isEqualTo("perf-barrage");
    assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
      assertThat(s.getKind()).isEqualTo("ServiceAccount");
      assertThat(s.getName()).isEqualTo(coordinatorPod(chart).getServiceAccountName());
      assertThat(s.getNamespace()).isEqualTo(RenderedChart.NAMESPACE);
    });
  }

  @Test
  void readingNodeLabelsIsAnExplicitOptInClusterRoleThatOnlyGetsNodes() {
    RenderedChart chart = RenderedChart.render(Map.of("kubernetes.readNodeLabels", true));
    V1ClusterRole cr = chart.all(V1ClusterRole.class).stream().findFirst().orElseThrow();
    assertThat(ruleSummary(cr.getRules())).containsExactly("/nodes[*]:get");
    V1ClusterRoleBinding crb = chart.all(V1ClusterRoleBinding.class).stream().findFirst().orElseThrow();
    assertThat(crb.getRoleRef().getName()).isEqualTo(cr.getMetadata().getName());
    assertThat(crb.getSubjects()).singleElement().satisfies(s -> assertThat(s.getNamespace()).isEqualTo("load"));
  }

  @Test
  void dcgmDiscoveryIsAnOptInRoleInTheExportersNamespaceThatOnlyListsPods() {
    RenderedChart byDefault = render(List.of());
    assertThat(byDefault.all(V1Role.class)).extracting(r -> r.getMetadata().getName()).containsExactly("perf-barrage");
    assertThat(io.barrage.k8s.model.KubernetesSettings.parse(byDefault.one(io.kubernetes.client.openapi.models.V1ConfigMap.class,
        "perf-barrage-kubernetes").getData().get("kubernetes.yaml")).dcgm().discover()).isFalse();

    RenderedChart chart = RenderedChart.render(Map.of("kubernetes.dcgm.discover", true, "kubernetes.dcgm.namespace", "monitoring"));
    assertThat(chart.all(V1ClusterRole.class)).as("nothing cluster-scoped").isEmpty();
    V1Role reader = chart.one(V1Role.class, "load-perf-barrage-dcgm-reader");
    assertThat(reader.getMetadata().getNamespace()).isEqualTo("monitoring");
    assertThat(ruleSummary(reader.getRules())).containsExactly("/pods[*]:list");
    V1RoleBinding binding = chart.one(V1RoleBinding.class, "load-perf-barrage-dcgm-reader");
    assertThat(binding.getMetadata().getNamespace()).isEqualTo("monitoring");
    assertThat(binding.getRoleRef().getName()).isEqualTo("load-perf-barrage-dcgm-reader");
    assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
      assertThat(s.getName()).isEqualTo(coordinatorPod(chart).getServiceAccountName());
      assertThat(s.getNamespace()).isEqualTo(RenderedChart.NAMESPACE);
    });
    var settings = io.barrage.k8s.model.KubernetesSettings.parse(chart.one(io.kubernetes.client.openapi.models.V1ConfigMap.class,
        "perf-barrage-kubernetes").getData().get("kubernetes.yaml"));
    assertThat(settings.dcgm()).isEqualTo(
        new io.barrage.k8s.model.KubernetesSettings.Dcgm(true, "monitoring", "app.kubernetes.io/name=dcgm-exporter", 9400, "/metrics"));

    RenderedChart withoutDiscovery = RenderedChart.render(Map.of("kubernetes.dcgm.discover", true, "kubernetes.discoverTargets", false));
    assertThat(withoutDiscovery.all(V1Role.class)).extracting(r -> r.getMetadata().getName()).doesNotContain("load-perf-barrage-dcgm-reader");
  }

  @Test
  void switchingTheK8sFeaturesOffLeavesNoRbacAtAll() {
    RenderedChart chart = render(List.of("existing-objects.yaml"));
    assertThat(chart.all(V1Role.class)).isEmpty();
    assertThat(chart.all(V1RoleBinding.class)).isEmpty();
    assertThat(chart.all(V1ClusterRole.class)).isEmpty();
    assertThat(coordinatorPod(chart).getServiceAccountName()).isEqualTo("barrage-runner");
  }

  @Test
  void onlyTheCoordinatorMountsAServiceAccountToken() {
    RenderedChart chart = render(List.of("simulator.yaml"));
    assertThat(coordinatorPod(chart).getAutomountServiceAccountToken()).isTrue();
    assertThat(workerPod(chart).getAutomountServiceAccountToken()).isFalse();
    for (V1Deployment d : chart.all(V1Deployment.class)) {
      if (!d.getMetadata().getName().equals(COORDINATOR)) {
        assertThat(d.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken()).as(d.getMetadata().getName()).isFalse();
      }
    }
  }

  // ---- pods: resources, probes, placement -------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void everyLongRunningContainerHasResourcesAndProbes(String name, List<String> files) {
    RenderedChart chart = render(files);
    for (Map.Entry<String, V1PodTemplateSpec> t : podTemplates(chart).entrySet()) {
      for (V1Container c : t.getValue().getSpec().getContainers()) {
        String where = t.getKey() + "/" + c.getName();
        assertThat(c.getResources().getRequests()).as(where).containsKeys("cpu", "memory");
        assertThat(c.getResources().getLimits()).as(where).containsKeys("memory");
        assertThat(c.getReadinessProbe()).as(where + " readiness").isNotNull();
        assertThat(c.getLivenessProbe()).as(where + " liveness").isNotNull();
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).as(where).isFalse();
      }
      assertThat(t.getValue().getSpec().getSecurityContext().getRunAsNonRoot()).as(t.getKey()).isTrue();
    }
  }

  @Test
  void podsAreReadyOnlyOnceJoinedAndLiveOnTheirHealthEndpoints() {
    RenderedChart chart = render(List.of());
    V1Container worker = workerPod(chart).getContainers().get(0);
    assertThat(worker.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready");
    assertThat(worker.getReadinessProbe().getHttpGet().getPort().getStrValue()).isEqualTo("health");
    assertThat(worker.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(worker.getPorts()).anySatisfy(p -> {
      assertThat(p.getName()).isEqualTo("health");
      assertThat(p.getContainerPort()).isEqualTo(8558);
    });
    assertThat(worker.getArgs()).containsSequence("--health-port", "8558");

    V1Container coordinator = coordinatorPod(chart).getContainers().get(0);
    assertThat(coordinator.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready");
    assertThat(coordinator.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
  }

  @Test
  void resourcesAndHeapComeFromValues() {
    RenderedChart chart =
        RenderedChart.render(Map.of("workers.resources.limits.memory", "6Gi", "workers.resources.requests.cpu", "3", "jvm.heap", "4g"));
    V1Container worker = workerPod(chart).getContainers().get(0);
    assertThat(worker.getResources().getLimits().get("memory").toSuffixedString()).isEqualTo("6Gi");
    assertThat(worker.getResources().getRequests().get("cpu").getNumber().intValue()).isEqualTo(3);
    assertThat(worker.getCommand()).contains("-Xmx4g").noneMatch(a -> a.startsWith("-XX:MaxRAMPercentage"));

    V1Container byDefault = workerPod(render(List.of())).getContainers().get(0);
    assertThat(byDefault.getCommand()).containsSequence("java", "-XX:MaxRAMPercentage=75").endsWith("-jar", "/app/barrage.jar");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void loadGeneratorsAreKeptOffGpuNodesUnlessTurnedOff(String name, List<String> files) {
    RenderedChart chart = render(files);
    boolean expectAvoid = !name.equals("existing-objects");
    for (Map.Entry<String, V1PodTemplateSpec> t : podTemplates(chart).entrySet()) {
      V1PodSpec spec = t.getValue().getSpec();
      boolean avoids = spec.getAffinity() != null
          && spec.getAffinity().getNodeAffinity() != null
          && spec.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
              .getNodeSelectorTerms().stream()
              .allMatch(term -> term.getMatchExpressions().stream().anyMatch(HelmChartIT::excludesGpuNodes));
      assertThat(avoids).as(t.getKey()).isEqualTo(expectAvoid);
      assertThat(Objects.requireNonNullElse(spec.getTolerations(), List.<io.kubernetes.client.openapi.models.V1Toleration>of()))
          .as(t.getKey() + " tolerates GPU taints")
          .noneMatch(tol -> "nvidia.com/gpu".equals(tol.getKey()) || ("Exists".equals(tol.getOperator()) && tol.getKey() == null));
    }
  }

  private static boolean excludesGpuNodes(V1NodeSelectorRequirement r) {
    return r.getKey().equals("nvidia.com/gpu.present") && r.getOperator().equals("NotIn") && r.getValues().contains("true");
  }

  @Test
  void workersSpreadOverNodesAndAHardSpreadCanBeAsked() {
    assertThat(workerPod(render(List.of())).getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution()).hasSize(1);
    assertThat(workerPod(render(List.of("production.yaml"))).getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution())
        .singleElement()
        .satisfies(term -> assertThat(term.getTopologyKey()).isEqualTo("kubernetes.io/hostname"));
  }

  // ---- token, scenario, secrets ---------------------------------------------------------------

  @Test
  void theApiTokenComesFromAGeneratedSecretCreatedOnlyAtInstall() {
    RenderedChart chart = render(List.of());
    V1EnvVar token = env(coordinatorPod(chart).getContainers().get(0), "BARRAGE_API_TOKEN");
    assertThat(token.getValue()).isNull();
    String secretName = token.getValueFrom().getSecretKeyRef().getName();
    String key = token.getValueFrom().getSecretKeyRef().getKey();
    V1Secret secret = chart.one(V1Secret.class, secretName);
    assertThat(secret.getMetadata().getAnnotations()).containsEntry(RenderedChart.HOOK_MARKER, "pre-install");
    assertThat(secret.getData()).containsKey(key);
    assertThat(new String(secret.getData().get(key))).hasSize(40).matches("[A-Za-z0-9]+");

    String again = new String(render(List.of()).one(V1Secret.class, secretName).getData().get(key));
    assertThat(again).as("a fresh token per install").isNotEqualTo(new String(secret.getData().get(key)));
  }

  @Test
  void anExistingTokenSecretIsUsedAndNoneIsGenerated() {
    RenderedChart chart = render(List.of("existing-objects.yaml"));
    assertThat(chart.all(V1Secret.class)).isEmpty();
    V1EnvVar token = env(coordinatorPod(chart).getContainers().get(0), "BARRAGE_API_TOKEN");
    assertThat(token.getValueFrom().getSecretKeyRef().getName()).isEqualTo("team-barrage-token");
    assertThat(token.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("api-token");
  }

  @Test
  void noSecretValueIsWrittenIntoAnyEnvironmentVariable() {
    RenderedChart chart = render(List.of("production.yaml"));
    for (Map.Entry<String, V1PodTemplateSpec> t : podTemplates(chart).entrySet()) {
      for (V1Container c : t.getValue().getSpec().getContainers()) {
        for (V1EnvVar e : Objects.requireNonNullElse(c.getEnv(), List.<V1EnvVar>of())) {
          if (e.getName().contains("TOKEN") || e.getName().contains("KEY")) {
            assertThat(e.getValue()).as(t.getKey() + " " + e.getName()).isNull();
            assertThat(e.getValueFrom().getSecretKeyRef()).isNotNull();
          }
        }
      }
    }
  }

  @Test
  void targetApiKeysReachTheWorkersFromSecrets() {
    V1Container worker = workerPod(render(List.of("production.yaml"))).getContainers().get(0);
    V1EnvVar key = env(worker, "TGI_API_KEY");
    assertThat(key.getValueFrom().getSecretKeyRef().getName()).isEqualTo("tgi-credentials");
    assertThat(key.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("api-key");
  }

  @Test
  void eachTargetSecretIsBoundToItsHostsAndWorkersAreStrictByDefault() {
    V1Container worker = workerPod(render(List.of("production.yaml"))).getContainers().get(0);
    assertThat(env(worker, "BARRAGE_TARGET_SECRETS").getValue()).isEqualTo("TGI_API_KEY=tgi.llm.svc.cluster.local:8080;");
    // nothing declared: the variable is still set, empty, so a worker sends no secret anywhere
    assertThat(env(workerPod(render(List.of())).getContainers().get(0), "BARRAGE_TARGET_SECRETS").getValue()).isEmpty();
    // a secret without allowedHosts does not render
    assertThatThrownBy(() -> RenderedChart.render(Map.of("targetSecrets[0].env", "K", "targetSecrets[0].secretName", "s",
        "targetSecrets[0].key", "k"))).hasMessageContaining("allowedHosts");
  }

  @Test
  void theCoordinatorsTargetAllowListComesFromValues() {
    V1Container c = coordinatorPod(RenderedChart.render(Map.of("coordinator.allowTargets[0]", "*.llm.svc.cluster.local",
        "coordinator.allowTargets[1]", "10.0.0.5:8000"))).getContainers().get(0);
    assertThat(env(c, "BARRAGE_ALLOW_TARGETS").getValue()).isEqualTo("*.llm.svc.cluster.local,10.0.0.5:8000");
    assertThat(Objects.requireNonNullElse(coordinatorPod(render(List.of())).getContainers().get(0).getEnv(), List.<V1EnvVar>of()))
        .noneMatch(e -> e.getName().equals("BARRAGE_ALLOW_TARGETS"));
  }

  @Test
  void anInlineScenarioBecomesAValidScenarioFileForTheCoordinator() throws Exception {
    RenderedChart chart = render(List.of("production.yaml"));
    V1ConfigMap cm = chart.one(V1ConfigMap.class, "perf-barrage-scenario");
    Scenario scenario = ScenarioLoader.parse(cm.getData().get("scenario.yaml"), null);
    assertThat(scenario.name()).isEqualTo("fastapi-vs-tgi-llama2-13b");
    assertThat(scenario.targets()).hasSize(2);

    V1PodSpec pod = coordinatorPod(chart);
    // run once, then keep serving: an exited container would be restarted and run the scenario again
    assertThat(pod.getContainers().get(0).getArgs()).containsSequence("--scenario", "/etc/barrage/scenario/scenario.yaml", "--keep-running");
    assertThat(pod.getVolumes()).anySatisfy(v -> assertThat(v.getConfigMap() != null && "perf-barrage-scenario".equals(v.getConfigMap().getName())).isTrue());
    assertThat(chart.one(V1Deployment.class, COORDINATOR).getSpec().getTemplate().getMetadata().getAnnotations()).containsKey("checksum/config");
  }

  @Test
  void anExistingScenarioConfigMapIsMountedAndNoneIsRendered() {
    RenderedChart chart = render(List.of("existing-objects.yaml"));
    assertThat(chart.all(V1ConfigMap.class)).noneMatch(c -> c.getMetadata().getName().endsWith("-scenario"));
    V1PodSpec pod = coordinatorPod(chart);
    assertThat(pod.getContainers().get(0).getArgs()).containsSequence("--scenario", "/etc/barrage/scenario/nightly.yaml");
    assertThat(pod.getVolumes()).anySatisfy(v -> assertThat(v.getConfigMap() != null && "nightly-scenario".equals(v.getConfigMap().getName())).isTrue());
  }

  @Test
  void withoutAScenarioTheCoordinatorWaitsForTheApi() {
    assertThat(coordinatorPod(render(List.of())).getContainers().get(0).getArgs()).doesNotContain("--scenario", "--keep-running");
  }

  // ---- cluster formation and selectors --------------------------------------------------------

  @Test
  void workersJoinTheCoordinatorsStableHeadlessAddressAndAdvertiseTheirPodIp() {
    RenderedChart chart = render(List.of());
    V1Service headless = chart.one(V1Service.class, COORDINATOR);
    assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(headless.getSpec().getPublishNotReadyAddresses()).isTrue();
    assertThat(headless.getSpec().getPorts()).anySatisfy(p -> assertThat(p.getPort()).isEqualTo(25520));

    List<String> coord = coordinatorPod(chart).getContainers().get(0).getArgs();
    assertThat(coord.get(0)).isEqualTo("coordinator");
    assertThat(coord).containsSequence("--host", COORDINATOR_DNS).containsSequence("--bind-host", "0.0.0.0")
        .containsSequence("--port", "25520").containsSequence("--min-workers", "2").containsSequence("--http-port", "8080");

    V1Container worker = workerPod(chart).getContainers().get(0);
    assertThat(worker.getArgs().get(0)).isEqualTo("worker");
    assertThat(worker.getArgs()).containsSequence("--join", COORDINATOR_DNS + ":25520").containsSequence("--host", "$(POD_IP)");
    assertThat(env(worker, "POD_IP").getValueFrom().getFieldRef().getFieldPath()).isEqualTo("status.podIP");

    V1StatefulSet sts = chart.one(V1StatefulSet.class, WORKERS);
    assertThat(sts.getSpec().getReplicas()).isEqualTo(2);
    assertThat(sts.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");
    assertThat(chart.one(V1Service.class, sts.getSpec().getServiceName()).getSpec().getClusterIP()).isEqualTo("None");
    assertThat(chart.one(V1Deployment.class, COORDINATOR).getSpec().getStrategy().getType()).isEqualTo("Recreate");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("valueSets")
  void everySelectorMatchesThePodsItIsMeantFor(String name, List<String> files) {
    RenderedChart chart = render(files);
    Map<String, V1PodTemplateSpec> templates = podTemplates(chart);
    for (V1Deployment d : chart.all(V1Deployment.class)) {
      assertMatches(d.getSpec().getSelector(), d.getSpec().getTemplate().getMetadata().getLabels(), d.getMetadata().getName());
    }
    for (V1StatefulSet s : chart.all(V1StatefulSet.class)) {
      assertMatches(s.getSpec().getSelector(), s.getSpec().getTemplate().getMetadata().getLabels(), s.getMetadata().getName());
    }
    for (V1Service svc : chart.all(V1Service.class)) {
      long matching = templates.values().stream().filter(t -> matches(svc.getSpec().getSelector(), t.getMetadata().getLabels())).count();
      assertThat(matching).as("pod templates behind Service " + svc.getMetadata().getName()).isEqualTo(1);
      for (var port : svc.getSpec().getPorts()) {
        if (port.getTargetPort() != null && port.getTargetPort().isInteger() == false) {
          String portName = port.getTargetPort().getStrValue();
          V1PodTemplateSpec target = templates.values().stream().filter(t -> matches(svc.getSpec().getSelector(), t.getMetadata().getLabels())).findFirst().orElseThrow();
          assertThat(target.getSpec().getContainers().get(0).getPorts()).as(svc.getMetadata().getName() + " → " + portName)
              .anyMatch(p -> portName.equals(p.getName()));
        }
      }
    }
    for (V1PodDisruptionBudget pdb : chart.all(V1PodDisruptionBudget.class)) {
      assertMatches(pdb.getSpec().getSelector(), chart.one(V1StatefulSet.class, WORKERS).getSpec().getTemplate().getMetadata().getLabels(), "pdb");
    }
    for (V1NetworkPolicy np : chart.all(V1NetworkPolicy.class)) {
      assertThat(templates.values()).as("pods selected by NetworkPolicy " + np.getMetadata().getName())
          .anyMatch(t -> matches(np.getSpec().getPodSelector().getMatchLabels(), t.getMetadata().getLabels()));
    }
  }

  @Test
  void workersHaveADisruptionBudget() {
    V1PodDisruptionBudget pdb = render(List.of()).one(V1PodDisruptionBudget.class, WORKERS);
    assertThat(pdb.getSpec().getMaxUnavailable().getIntValue()).isEqualTo(1);
    assertThat(RenderedChart.render(Map.of("workers.pdb.enabled", false)).all(V1PodDisruptionBudget.class)).isEmpty();
  }

  @Test
  void networkPoliciesAreOnByDefaultAndLetOnlyThisReleaseSpeakArtery() {
    assertThat(RenderedChart.render(Map.of("networkPolicy.enabled", false)).all(V1NetworkPolicy.class)).isEmpty();
    RenderedChart byDefault = render(List.of());
    V1NetworkPolicy workers = byDefault.one(V1NetworkPolicy.class, WORKERS);
    // workers: Artery from this release only; the health port has no rule (the kubelet probes from
    // the node, which a NetworkPolicy always admits), so no other pod reaches it
    assertThat(workers.getSpec().getIngress()).singleElement().satisfies(rule -> {
      assertThat(rule.getPorts()).singleElement().satisfies(p -> assertThat(p.getPort().getIntValue()).isEqualTo(25520));
      assertThat(rule.getFrom()).singleElement().satisfies(peer ->
          assertThat(peer.getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/instance", "perf"));
    });
    assertThat(byDefault.one(V1NetworkPolicy.class, COORDINATOR)).isNotNull();

    RenderedChart chart = render(List.of("production.yaml"));
    V1NetworkPolicy coordinator = chart.one(V1NetworkPolicy.class, COORDINATOR);
    assertThat(coordinator.getSpec().getPolicyTypes()).containsExactly("Ingress");
    var artery = coordinator.getSpec().getIngress().stream()
        .filter(r -> r.getPorts().stream().anyMatch(p -> p.getPort().getIntValue() == 25520)).findFirst().orElseThrow();
    assertThat(artery.getFrom()).singleElement().satisfies(peer ->
        assertThat(peer.getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/instance", "perf"));
    var api = coordinator.getSpec().getIngress().stream()
        .filter(r -> r.getPorts().stream().anyMatch(p -> p.getPort().getIntValue() == 8080)).findFirst().orElseThrow();
    assertThat(api.getFrom()).anyMatch(peer -> peer.getNamespaceSelector() != null
        && "monitoring".equals(peer.getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name")));
    assertThat(api.getFrom()).anyMatch(peer -> peer.getPodSelector() != null
        && "perf".equals(peer.getPodSelector().getMatchLabels().get("app.kubernetes.io/instance")));
    var health = chart.one(V1NetworkPolicy.class, WORKERS).getSpec().getIngress().stream()
        .filter(r -> r.getPorts().stream().anyMatch(p -> p.getPort().getIntValue() == 8558)).findFirst().orElseThrow();
    assertThat(health.getFrom()).singleElement().satisfies(peer ->
        assertThat(peer.getNamespaceSelector().getMatchLabels()).containsEntry("kubernetes.io/metadata.name", "monitoring"));
  }

  // ---- cluster TLS ----------------------------------------------------------------------------------

  @Test
  void everyBarragePodMountsTheClusterCertificatesAndNoneRunsAnInsecureClusterPort() {
    RenderedChart chart = render(List.of());
    V1Secret secret = chart.one(V1Secret.class, "perf-barrage-cluster-tls");
    assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
    assertThat(secret.getData()).containsOnlyKeys("tls.crt", "tls.key", "ca.crt");
    // generated once: `helm upgrade` does not replace the CA the running pods trust
    assertThat(secret.getMetadata().getAnnotations()).containsEntry(RenderedChart.HOOK_MARKER, "pre-install");
    for (V1PodSpec pod : List.of(coordinatorPod(chart), workerPod(chart))) {
      V1Container c = pod.getContainers().get(0);
      assertThat(c.getArgs()).as(c.getName()).doesNotContain("--insecure-cluster");
      assertThat(env(c, "BARRAGE_CLUSTER_TLS_DIR").getValue()).isEqualTo("/etc/barrage/cluster-tls");
      assertThat(c.getVolumeMounts()).anySatisfy(m -> {
        assertThat(m.getName()).isEqualTo("cluster-tls");
        assertThat(m.getMountPath()).isEqualTo("/etc/barrage/cluster-tls");
        assertThat(m.getReadOnly()).isTrue();
        assertThat(m.getSubPath()).as("a subPath mount would never see a rotated certificate").isNull();
      });
      assertThat(pod.getVolumes()).anySatisfy(v -> {
        assertThat(v.getName()).isEqualTo("cluster-tls");
        assertThat(v.getSecret().getSecretName()).isEqualTo("perf-barrage-cluster-tls");
        assertThat(v.getSecret().getDefaultMode()).isEqualTo(0440);
      });
    }
  }

  @Test
  void turningClusterTlsOffIsAnExplicitInsecureClusterFlag() {
    RenderedChart chart = RenderedChart.withHooks(List.of(), Map.of("clusterTls.enabled", false));
    assertThat(chart.all(V1Secret.class)).extracting(s -> s.getMetadata().getName()).doesNotContain("perf-barrage-cluster-tls");
    for (V1PodSpec pod : List.of(coordinatorPod(chart), workerPod(chart))) {
      V1Container c = pod.getContainers().get(0);
      assertThat(c.getArgs()).contains("--insecure-cluster");
      assertThat(c.getEnv()).noneMatch(e -> e.getName().equals("BARRAGE_CLUSTER_TLS_DIR"));
    }
  }

  @Test
  void anExistingSecretIsMountedAndNoneIsGenerated() {
    RenderedChart chart = render(List.of("existing-objects.yaml"));
    assertThat(workerPod(chart).getVolumes()).filteredOn(v -> v.getName().equals("cluster-tls")).singleElement()
        .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("team-barrage-cluster-tls"));
    assertThat(chart.all(V1Secret.class)).isEmpty();
    assertThatThrownBy(() -> RenderedChart.render(Map.of("clusterTls.source", "existingSecret")))
        .hasMessageContaining("clusterTls.existingSecret");
  }

  @Test
  void certManagerIssuesTheClusterCertificateAsPekkoReadsIt() throws Exception {
    String manifest = RenderedChart.template(RenderedChart.CHART, List.of(),
        Map.of("clusterTls.source", "certManager", "clusterTls.certManager.issuerRef.name", "team-ca"));
    var yaml = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
    com.fasterxml.jackson.databind.JsonNode certificate = null;
    List<String> secrets = new ArrayList<>();
    try (var docs = yaml.readerFor(com.fasterxml.jackson.databind.JsonNode.class).readValues(manifest)) {
      while (docs.hasNext()) {
        com.fasterxml.jackson.databind.JsonNode d = (com.fasterxml.jackson.databind.JsonNode) docs.next();
        if (d != null && "Certificate".equals(d.path("kind").asText())) certificate = d;
        if (d != null && "Secret".equals(d.path("kind").asText())) secrets.add(d.path("metadata").path("name").asText());
      }
    }
    assertThat(certificate).as("a cert-manager Certificate").isNotNull();
    assertThat(certificate.path("apiVersion").asText()).isEqualTo("cert-manager.io/v1");
    var spec = certificate.path("spec");
    assertThat(spec.path("secretName").asText()).isEqualTo("perf-barrage-cluster-tls");
    assertThat(spec.path("commonName").asText()).isEqualTo("barrage-cluster");
    assertThat(spec.path("privateKey").path("algorithm").asText()).isEqualTo("RSA");
    assertThat(spec.path("issuerRef").path("name").asText()).isEqualTo("team-ca");
    assertThat(manifest).doesNotContain("kind: Secret\nmetadata:\n  name: perf-barrage-cluster-tls");
    assertThatThrownBy(() -> RenderedChart.render(Map.of("clusterTls.source", "certManager"))).hasMessageContaining("issuerRef.name");
  }

  // ---- simulator and helm test --------------------------------------------------------------------

  @Test
  void theSimulatorRendersOneDeploymentAndServicePerProfile() {
    RenderedChart chart = render(List.of("simulator.yaml"));
    for (String t : List.of("fastapi", "tgi")) {
      V1Deployment d = chart.one(V1Deployment.class, "perf-barrage-sim-" + t);
      V1Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
      assertThat(c.getArgs()).startsWith("simulate").containsSequence("--host", "0.0.0.0").containsSequence("--port", "8080");
      assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health");
      assertThat(chart.one(V1Service.class, "perf-barrage-sim-" + t).getSpec().getPorts().get(0).getPort()).isEqualTo(8080);
    }
    assertThat(chart.one(V1Deployment.class, "perf-barrage-sim-fastapi").getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .containsSequence("--profile", "fastapi-fast");
    assertThat(render(List.of()).all(V1Deployment.class)).extracting(d -> d.getMetadata().getName()).containsExactly(COORDINATOR);
  }

  @Test
  void helmTestSubmitsAShortScenarioToTheDeployedCoordinatorAndFailsUnlessItCompletedWithoutErrors() throws Exception {
    RenderedChart chart = render(List.of("simulator.yaml"));
    V1Pod pod = chart.one(V1Pod.class, "perf-barrage-test");
    assertThat(pod.getMetadata().getAnnotations()).containsEntry(RenderedChart.HOOK_MARKER, "test");
    assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getSpec().getInitContainers()).as("barrage submit --wait-ready does the waiting").isNullOrEmpty();
    V1Container submit = pod.getSpec().getContainers().get(0);
    assertThat(submit.getArgs()).startsWith("submit", "/etc/barrage/test/scenario.yaml")
        .containsSequence("--api", "http://perf-barrage-api.load.svc.cluster.local:8080")
        .containsSequence("--wait-ready", "120s")
        .containsSequence("--timeout", "5m")
        .contains("--wait", "--require-completed");
    // the token from the release's Secret, as the coordinator gets it; never a literal
    assertThat(submit.getEnv()).singleElement().satisfies(e -> {
      assertThat(e.getName()).isEqualTo("BARRAGE_API_TOKEN");
      assertThat(e.getValue()).isNull();
      assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("perf-barrage-api-token");
      assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("token");
    });
    assertThat(String.join(" ", submit.getArgs())).doesNotContain("token-file");
    // a thin API client: small, set resources
    assertThat(submit.getResources().getLimits()).containsKeys("cpu", "memory");
    assertThat(submit.getResources().getLimits().get("memory").toSuffixedString()).isEqualTo("256Mi");
    // the API Service it calls exists and serves that port
    assertThat(chart.one(V1Service.class, "perf-barrage-api").getSpec().getPorts()).anyMatch(p -> p.getPort() == 8080);

    V1ConfigMap cm = chart.one(V1ConfigMap.class, "perf-barrage-test");
    Scenario scenario = ScenarioLoader.parse(cm.getData().get("scenario.yaml"), null);
    assertThat(scenario.failOn().errors()).isTrue();
    assertThat(scenario.targets()).extracting(t -> t.url()).containsExactly(
        "http://perf-barrage-sim-fastapi.load.svc.cluster.local:8080/generate",
        "http://perf-barrage-sim-tgi.load.svc.cluster.local:8080");
    assertThat(scenario.workload().step().requests()).isEqualTo(20);

    assertThat(render(List.of()).all(V1Pod.class)).as("no simulators, no test pod").isEmpty();
  }

  @Test
  void notesSayHowToOpenTheLivePageAndFetchTheResults() {
    String notes = new Helm(RenderedChart.CHART).install().withName("perf").withNamespace("load")
        .withKubeVersion(RenderedChart.KUBE_VERSION).clientOnly().withDryRunOption(DryRun.CLIENT).call().getOutput();
    assertThat(notes)
        .contains("kubectl -n load port-forward svc/perf-barrage-api 8080:8080")
        .contains("http://localhost:8080/")
        .contains("get secret perf-barrage-api-token")
        .contains("get configmap perf-barrage-results -o jsonpath='{.data.summary\\.json}'")
        .contains("cp $POD:/data/results")
        .contains("./barrage submit my-scenario.yaml --api http://localhost:8080 --wait");
  }

  // ---- schema -------------------------------------------------------------------------------------

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of("workers.replicas", 0, "'/workers/replicas'"),
        Arguments.of("workers.replicas", "lots", "'/workers/replicas'"),
        Arguments.of("coordinator.service.type", "Ingress", "'/coordinator/service/type'"),
        Arguments.of("jvm.maxRamPercentage", 120, "'/jvm/maxRamPercentage'"),
        Arguments.of("workers.podAntiAffinity", "maybe", "'/workers/podAntiAffinity'"),
        Arguments.of("workers.replica", 3, "'replica' not allowed"),
        Arguments.of("tests.timeout", "forever", "'/tests/timeout'"),
        Arguments.of("remoting.port", 70000, "'/remoting/port'"),
        Arguments.of("kubernetes.prices.g5\\.xlarge", "cheap", "'/kubernetes/prices/g5.xlarge'"),
        Arguments.of("results.dir", "relative/dir", "'/results/dir'"),
        Arguments.of("workers.resources.limits.memory", "lots", "'/workers/resources/limits/memory'"));
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("badValues")
  void theSchemaRejectsABadValueNamingTheField(String key, Object value, String named) {
    assertThatThrownBy(() -> RenderedChart.render(Map.of(key, value)))
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining(named);
  }

  @Test
  void lintFailsOnABadValuesFileNamingTheField() throws IOException {
    Path copy = RenderedChart.copyChart();
    Path values = copy.resolve("values.yaml");
    Files.writeString(values, Files.readString(values).replace("  replicas: 2\n", "  replicas: two\n"));
    LintResult result = RenderedChart.lint(copy);
    assertThat(result.isFailed()).isTrue();
    assertThat(String.join("\n", result.getMessages())).contains("replicas");
  }

  // ---- helpers ------------------------------------------------------------------------------------

  /** The chart's values.yaml with the top-level keys of an override file replaced (shallow merge). */
  private static String mergedValues(String overrideFile) throws IOException {
    var yaml = new org.yaml.snakeyaml.Yaml();
    Map<String, Object> base = yaml.load(Files.readString(RenderedChart.CHART.resolve("values.yaml")));
    Map<String, Object> override = yaml.load(Files.readString(RenderedChart.valuesFile(overrideFile)));
    Map<String, Object> merged = new LinkedHashMap<>(base);
    override.forEach((k, v) -> merged.merge(k, v, HelmChartIT::deepMerge));
    return yaml.dump(merged);
  }

  @SuppressWarnings("unchecked")
  private static Object deepMerge(Object a, Object b) {
    if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
      Map<String, Object> out = new LinkedHashMap<>((Map<String, Object>) ma);
      ((Map<String, Object>) mb).forEach((k, v) -> out.merge(k, v, HelmChartIT::deepMerge));
      return out;
    }
    return b;
  }

  private static Map<String, V1PodTemplateSpec> podTemplates(RenderedChart chart) {
    Map<String, V1PodTemplateSpec> out = new LinkedHashMap<>();
    chart.all(V1Deployment.class).forEach(d -> out.put("Deployment/" + d.getMetadata().getName(), d.getSpec().getTemplate()));
    chart.all(V1StatefulSet.class).forEach(s -> out.put("StatefulSet/" + s.getMetadata().getName(), s.getSpec().getTemplate()));
    return out;
  }

  private static V1PodSpec coordinatorPod(RenderedChart chart) {
    return chart.one(V1Deployment.class, COORDINATOR).getSpec().getTemplate().getSpec();
  }

  private static V1PodSpec workerPod(RenderedChart chart) {
    return chart.one(V1StatefulSet.class, WORKERS).getSpec().getTemplate().getSpec();
  }

  private static V1EnvVar env(V1Container c, String name) {
    return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError(c.getName() + " has no env " + name));
  }

  private static List<String> ruleSummary(List<V1PolicyRule> rules) {
    List<String> out = new ArrayList<>();
    for (V1PolicyRule r : rules) {
      for (String group : r.getApiGroups()) {
        for (String res : r.getResources()) {
          Set<String> names = r.getResourceNames() == null || r.getResourceNames().isEmpty() ? Set.of("*") : new TreeSet<>(r.getResourceNames());
          out.add(group + "/" + res + names.toString().replace(" ", "") + ":" + String.join(",", r.getVerbs()));
        }
      }
    }
    return out;
  }

  private static void assertMatches(V1LabelSelector selector, Map<String, String> labels, String what) {
    assertThat(selector.getMatchExpressions()).as(what).isNullOrEmpty();
    assertThat(matches(selector.getMatchLabels(), labels)).as(what + " selector " + selector.getMatchLabels() + " vs " + labels).isTrue();
    assertThat(selector.getMatchLabels()).as(what).containsKey("app.kubernetes.io/component");
  }

  private static boolean matches(Map<String, String> selector, Map<String, String> labels) {
    return selector != null && !selector.isEmpty() && labels != null && labels.entrySet().containsAll(selector.entrySet());
  }
}
