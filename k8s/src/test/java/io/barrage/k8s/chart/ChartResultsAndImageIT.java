package io.barrage.k8s.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1Volume;
import java.nio.file.Files;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The chart's default image is where the release pipeline pushes, and with
 * {@code results.persistence.enabled} the coordinator's results directory is a claim that outlives
 * the pod (so runs stay listed by {@code GET /api/runs} after a restart; the restart itself is
 * FetchCommandIT's).
 */
class ChartResultsAndImageIT {
  private static final String COORDINATOR = RenderedChart.RELEASE + "-barrage-coordinator";
  private static final String CLAIM = RenderedChart.RELEASE + "-barrage-results";

  private static V1Container coordinator(RenderedChart c) {
    return c.one(V1Deployment.class, COORDINATOR).getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  private static V1Volume resultsVolume(RenderedChart c) {
    return c.one(V1Deployment.class, COORDINATOR).getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> v.getName().equals("results")).findFirst().orElseThrow();
  }

  @Test
  void theDefaultImageIsTheOneTheReleasePipelinePushesForThisRepositorysOwner() throws Exception {
    String chartYaml = Files.readString(RenderedChart.CHART.resolve("Chart.yaml"));
    Matcher home = Pattern.compile("(?m)^home: https://github\\.com/([^/\\s]+)/").matcher(chartYaml);
    assertThat(home.find()).isTrue();
    Matcher app = Pattern.compile("(?m)^appVersion: \"?([^\"\\s]+)\"?").matcher(chartYaml);
    assertThat(app.find()).isTrue();
    String owner = home.group(1).toLowerCase(java.util.Locale.ROOT);
    // the pipeline: ghcr.io/<owner>/barrage:<version>, the chart packaged with --app-version <version>
    assertThat(coordinator(RenderedChart.render(Map.of())).getImage()).isEqualTo("ghcr.io/" + owner + "/barrage:" + app.group(1));
    assertThat(coordinator(RenderedChart.render(Map.of("image.repository", "registry.example/me/barrage", "image.tag", "dev")))
        .getImage()).isEqualTo("registry.example/me/barrage:dev");
  }

  @Test
  void withPersistenceTheResultsDirectoryIsAKeptClaimMountedWhereTheCoordinatorWrites() {
    RenderedChart c = RenderedChart.render(Map.of("results.persistence.enabled", true, "results.persistence.size", "5Gi"));
    V1PersistentVolumeClaim pvc = c.one(V1PersistentVolumeClaim.class, CLAIM);
    assertThat(pvc.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
    assertThat(pvc.getSpec().getResources().getRequests().get("storage").toSuffixedString()).isEqualTo("5Gi");
    assertThat(pvc.getMetadata().getAnnotations()).containsEntry("helm.sh/resource-policy", "keep"); // survives uninstall too
    assertThat(resultsVolume(c).getPersistentVolumeClaim().getClaimName()).isEqualTo(CLAIM);
    V1Container coord = coordinator(c);
    assertThat(coord.getVolumeMounts()).anyMatch(m -> m.getName().equals("results") && m.getMountPath().equals("/data/results"));
    assertThat(String.join(" ", coord.getArgs())).contains("--out /data/results");
    // one pod at a time holds the ReadWriteOnce claim: the old coordinator is gone before the new one mounts it
    assertThat(c.one(V1Deployment.class, COORDINATOR).getSpec().getStrategy().getType()).isEqualTo("Recreate");
  }

  @Test
  void notesSayHowToFetchARunsFilesThroughTheApi() {
    String notes = new com.marcnuri.helm.Helm(RenderedChart.CHART).install().withName(RenderedChart.RELEASE)
        .withNamespace(RenderedChart.NAMESPACE).withKubeVersion(RenderedChart.KUBE_VERSION).clientOnly()
        .withDryRunOption(com.marcnuri.helm.DryRun.CLIENT).call().getOutput();
    assertThat(notes).contains("--wait --fetch ./my-run").contains("./barrage fetch RUN-ID ./barrage-results --api http://localhost:8080")
        .contains("results.persistence.enabled=true");
  }

  @Test
  void anExistingClaimIsUsedAsItIsAndWithoutPersistenceTheResultsLiveWithThePod() {
    RenderedChart existing = RenderedChart.render(Map.of("results.persistence.enabled", true, "results.persistence.existingClaim", "my-results"));
    assertThat(existing.all(V1PersistentVolumeClaim.class)).isEmpty();
    assertThat(resultsVolume(existing).getPersistentVolumeClaim().getClaimName()).isEqualTo("my-results");
    RenderedChart none = RenderedChart.render(Map.of());
    assertThat(none.all(V1PersistentVolumeClaim.class)).isEmpty();
    assertThat(resultsVolume(none).getEmptyDir()).isNotNull();
  }
}
