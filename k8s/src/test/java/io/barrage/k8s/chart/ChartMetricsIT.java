package io.barrage.k8s.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.barrage.common.json.Mappers;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chart's metrics objects as helm renders them: nothing of them by default; with
 * {@code metrics.serviceMonitor.enabled} a ServiceMonitor scraping the coordinator's HTTP port and the
 * workers' health port with the read-only metrics token (generated at install, given to both pods and
 * to nobody else as a value); with {@code metrics.dashboard.enabled} the Grafana dashboard in a
 * ConfigMap with the sidecar's label. Read with Jackson, since a ServiceMonitor is no type of the
 * Kubernetes client's model.
 */
class ChartMetricsIT {
  private static final ObjectMapper YAML = Mappers.tolerant(new YAMLFactory());
  private static final ObjectMapper JSON = Mappers.tolerant();

  private static List<JsonNode> render(Map<String, Object> sets) throws IOException {
    String manifest = RenderedChart.template(RenderedChart.CHART, List.of(), sets);
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode n : YAML.readValues(YAML.createParser(manifest), JsonNode.class).readAll()) {
      if (n != null && !n.isNull() && !n.isMissingNode()) out.add(n);
    }
    return out;
  }

  private static JsonNode one(List<JsonNode> objects, String kind, String name) {
    return objects.stream().filter(o -> o.path("kind").asText().equals(kind) && o.path("metadata").path("name").asText().equals(name))
        .findFirst().orElseThrow(() -> new AssertionError("no " + kind + "/" + name));
  }

  private static JsonNode env(JsonNode container, String name) {
    for (JsonNode e : container.path("env")) if (e.path("name").asText().equals(name)) return e;
    return null;
  }

  @Test
  void byDefaultThereIsNoMetricsObjectTokenOrLabel() throws IOException {
    List<JsonNode> objects = render(Map.of());
    assertThat(objects).noneMatch(o -> o.path("kind").asText().equals("ServiceMonitor"));
    assertThat(objects).noneMatch(o -> o.path("metadata").path("labels").has("grafana_dashboard"));
    assertThat(objects).noneMatch(o -> o.path("metadata").path("labels").has("barrage.io/metrics"));
    JsonNode coordinator = one(objects, "Deployment", "perf-barrage-coordinator").at("/spec/template/spec/containers/0");
    assertThat(env(coordinator, "BARRAGE_METRICS_TOKEN")).isNull();
  }

  @Test
  void aServiceMonitorScrapesCoordinatorAndWorkersWithTheMetricsTokenFromItsSecret() throws IOException {
    List<JsonNode> objects = render(Map.of("metrics.serviceMonitor.enabled", "true", "metrics.serviceMonitor.labels.release", "kps"));
    JsonNode sm = one(objects, "ServiceMonitor", "perf-barrage");
    assertThat(sm.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(sm.at("/metadata/labels/release").asText()).isEqualTo("kps");
    assertThat(sm.at("/spec/selector/matchLabels/barrage.io~1metrics").asText()).isEqualTo("true");
    List<String> ports = new ArrayList<>();
    for (JsonNode ep : sm.at("/spec/endpoints")) {
      ports.add(ep.path("port").asText());
      assertThat(ep.path("path").asText()).isEqualTo("/metrics");
      assertThat(ep.at("/bearerTokenSecret/name").asText()).isEqualTo("perf-barrage-metrics-token");
      assertThat(ep.at("/bearerTokenSecret/key").asText()).isEqualTo("token");
    }
    assertThat(ports).containsExactly("http", "health");

    // the Services it selects: the API Service (not the headless one, or the coordinator would be scraped twice) and the workers'
    List<String> selected = objects.stream().filter(o -> o.path("kind").asText().equals("Service"))
        .filter(o -> o.at("/metadata/labels").path("barrage.io/metrics").asText().equals("true"))
        .map(o -> o.at("/metadata/name").asText()).toList();
    assertThat(selected).containsExactlyInAnyOrder("perf-barrage-api", "perf-barrage-worker");
    JsonNode workerService = one(objects, "Service", "perf-barrage-worker");
    assertThat(workerService.at("/spec/ports")).anySatisfy(p -> assertThat(p.path("name").asText()).isEqualTo("health"));

    for (String[] pod : new String[][] {{"Deployment", "perf-barrage-coordinator"}, {"StatefulSet", "perf-barrage-worker"}}) {
      JsonNode token = env(one(objects, pod[0], pod[1]).at("/spec/template/spec/containers/0"), "BARRAGE_METRICS_TOKEN");
      assertThat(token).as(pod[1]).isNotNull();
      assertThat(token.has("value")).as("never a value in the manifest").isFalse();
      assertThat(token.at("/valueFrom/secretKeyRef/name").asText()).isEqualTo("perf-barrage-metrics-token");
    }
    // the Secret is an install hook (helm-java's template leaves hooks out): rendered with hooks it is there
    RenderedChart withHooks = RenderedChart.withHooks(List.of(), Map.of("metrics.enabled", "true"));
    var secret = withHooks.one(io.kubernetes.client.openapi.models.V1Secret.class, "perf-barrage-metrics-token");
    assertThat(secret.getMetadata().getAnnotations()).containsEntry(RenderedChart.HOOK_MARKER, "pre-install");
    assertThat(new String(secret.getData().get("token"))).hasSize(40);
  }

  @Test
  void anExistingMetricsSecretIsUsedAndNoneIsGenerated() throws IOException {
    RenderedChart withHooks = RenderedChart.withHooks(List.of(), Map.of("metrics.enabled", "true", "metrics.existingSecret", "prom-reader",
        "metrics.existingSecretKey", "bearer"));
    assertThat(withHooks.names()).noneMatch(n -> n.contains("metrics-token"));
    List<JsonNode> objects = render(Map.of("metrics.enabled", "true", "metrics.existingSecret", "prom-reader", "metrics.existingSecretKey", "bearer"));
    JsonNode token = env(one(objects, "StatefulSet", "perf-barrage-worker").at("/spec/template/spec/containers/0"), "BARRAGE_METRICS_TOKEN");
    assertThat(token.at("/valueFrom/secretKeyRef/name").asText()).isEqualTo("prom-reader");
    assertThat(token.at("/valueFrom/secretKeyRef/key").asText()).isEqualTo("bearer");
  }

  @Test
  void theDashboardIsAConfigMapWithTheSidecarLabelHoldingTheShippedJson() throws IOException {
    List<JsonNode> objects = render(Map.of("metrics.dashboard.enabled", "true", "metrics.dashboard.annotations.grafana_folder", "Load tests"));
    JsonNode cm = one(objects, "ConfigMap", "perf-barrage-dashboard");
    assertThat(cm.at("/metadata/labels/grafana_dashboard").asText()).isEqualTo("1");
    assertThat(cm.at("/metadata/annotations/grafana_folder").asText()).isEqualTo("Load tests");
    JsonNode dashboard = JSON.readTree(cm.at("/data/barrage.json").asText());
    assertThat(dashboard).isEqualTo(JSON.readTree(Files.readString(RenderedChart.CHART.resolve("dashboards/barrage.json"))));
    assertThat(dashboard.path("uid").asText()).isEqualTo("barrage-live-run");
    assertThat(dashboard.path("panels")).hasSizeGreaterThanOrEqualTo(10);
  }
}
