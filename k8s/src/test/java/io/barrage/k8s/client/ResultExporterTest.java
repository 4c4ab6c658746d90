package io.barrage.k8s.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultExporterTest {

  private static final String NS = "load";
  private static final String CM = "perf-barrage-results";

  private MockApi api;

  @BeforeEach
  void start() {
    api = new MockApi();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  private ConfigMap read() {
    return api.seed.configMaps().inNamespace(NS).withName(CM).get();
  }

  @Test
  void theLatestRunsFilesReplaceTheFormerRunsInTheChartsConfigMap(@TempDir Path dir) throws Exception {
    api.seed.configMaps().inNamespace(NS).resource(new ConfigMapBuilder()
        .withNewMetadata().withName(CM).withNamespace(NS).addToLabels("app.kubernetes.io/instance", "perf").endMetadata()
        .addToData("summary.json", "{\"old\":true}").addToData("report.html", "<html>old</html>").build()).create();
    Files.writeString(dir.resolve("summary.json"), "{\"schemaVersion\":1}");
    Files.writeString(dir.resolve("results.csv"), "model,instance\nllama-2-13b,g5.12xlarge\n");
    Files.createDirectories(dir.resolve("histograms"));

    ResultExporter.Exported e = new ResultExporter(api.apiClient(), NS, 100_000).export(CM, dir, "run-42");

    assertThat(e.files()).containsExactly("summary.json", "results.csv");
    ConfigMap cm = read();
    assertThat(cm.getData()).containsOnly(
        Map.entry("summary.json", "{\"schemaVersion\":1}"),
        Map.entry("results.csv", "model,instance\nllama-2-13b,g5.12xlarge\n"));
    assertThat(cm.getMetadata().getAnnotations()).containsEntry(ResultExporter.RUN_ID_ANNOTATION, "run-42");
    assertThat(cm.getMetadata().getLabels()).as("the chart's labels survive").containsEntry("app.kubernetes.io/instance", "perf");
  }

  @Test
  void aMissingConfigMapIsCreated() throws Exception {
    new ResultExporter(api.apiClient(), NS, 100_000).export(CM, Map.of("summary.json", "{}"), "run-1");
    assertThat(read().getData()).containsOnly(Map.entry("summary.json", "{}"));
  }

  @Test
  void whatDoesNotFitIsLeftOutAndNamed() throws Exception {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("summary.json", "{\"cells\":[]}");
    files.put("results.csv", "a,b\n1,2\n");
    files.put("report.html", "x".repeat(5_000));
    ResultExporter.Exported e = new ResultExporter(api.apiClient(), NS, 1_000).export(CM, files, "run-7");
    assertThat(e.skipped()).containsExactly("report.html");
    assertThat(read().getData()).containsOnlyKeys("summary.json", "results.csv");
    assertThat(read().getMetadata().getAnnotations()).containsEntry(ResultExporter.SKIPPED_ANNOTATION, "report.html");
  }
}
