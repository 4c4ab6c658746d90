package io.barrage.protocol.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A target's {@code metrics}: how it binds (a mapping or {@code false}), its defaults and what validation says. */
class MetricsSpecTest {
  static String scenario(String api, String url, String metrics) {
    return """
        name: t
        targets:
          - name: api
            api: %s
            url: %s
        %s
        workload:
          prompt: {text: "hello"}
          maxNewTokens: 16
          load: {concurrency: 1}
          step: {requests: 1}
        """.formatted(api, url, metrics.isEmpty() ? "" : "    metrics: " + metrics);
  }

  private static Target target(String api, String url, String metrics) throws Exception {
    return ScenarioLoader.parse(scenario(api, url, metrics), null).targets().get(0);
  }

  @Test
  void falseTurnsScrapingOffAndAMappingSetsUrlIntervalAndDcgm() throws Exception {
    assertThat(target("tgi-stream", "http://127.0.0.1:8080", "false").metrics().on()).isFalse();
    MetricsSpec m = target("tgi-stream", "http://127.0.0.1:8080",
        "{url: \"http://127.0.0.1:9000/metrics\", interval: 250ms, dcgm: \"http://gpu:9400/metrics\"}").metrics();
    assertThat(m).isEqualTo(new MetricsSpec(null, "http://127.0.0.1:9000/metrics", Duration.ofMillis(250), "http://gpu:9400/metrics"));
    assertThat(m.on()).isTrue();
    assertThat(target("tgi-stream", "http://127.0.0.1:8080", "").metrics()).isNull();
  }

  @Test
  void dcgmExportersListOneExporterPerNodeWithTheTargetsPodsAndExcludeDcgm() throws Exception {
    MetricsSpec m = target("tgi-stream", "http://127.0.0.1:8080", "{dcgmExporters: [{url: \"http://10.0.0.7:9400/metrics\", node: gpu-a, "
        + "pods: [llm/tgi-0]}, {node: gpu-b, pods: [llm/tgi-1]}]}").metrics();
    assertThat(m.exporters()).containsExactly(new MetricsSpec.DcgmExporter("http://10.0.0.7:9400/metrics", "gpu-a", List.of("llm/tgi-0")),
        new MetricsSpec.DcgmExporter(null, "gpu-b", List.of("llm/tgi-1")));
    assertThat(target("tgi-stream", "http://127.0.0.1:8080", "{dcgm: \"http://gpu:9400/metrics\"}").metrics().exporters())
        .as("dcgm is one exporter counting every GPU").containsExactly(new MetricsSpec.DcgmExporter("http://gpu:9400/metrics", null, List.of()));
    List<ScenarioProblem> p = TlsOptionsTest.problems(scenario("tgi", "http://127.0.0.1:8080",
        "{dcgm: \"http://gpu:9400/metrics\", dcgmExporters: [{url: \"gpu-a\", pods: [tgi-0]}, {pods: [llm/x]}]}"), null);
    assertThat(p).extracting(ScenarioProblem::path).contains("targets[0].metrics.dcgmExporters", "targets[0].metrics.dcgmExporters[0].url",
        "targets[0].metrics.dcgmExporters[0].pods[0]", "targets[0].metrics.dcgmExporters[1].url");
  }

  @Test
  void theDefaultPathIsMetricsOnTheBaseUrlExceptForFastapi() throws Exception {
    assertThat(MetricsSpec.defaultUrl(target("tgi-stream", "http://127.0.0.1:8080/", ""))).isEqualTo("http://127.0.0.1:8080/metrics");
    assertThat(MetricsSpec.defaultUrl(target("openai-chat", "http://127.0.0.1:8000/v1", ""))).isEqualTo("http://127.0.0.1:8000/metrics");
    assertThat(MetricsSpec.defaultUrl(target("fastapi", "http://127.0.0.1:8000/generate", ""))).isNull();
  }

  @Test
  void badUrlsIntervalsAndContradictionsAreNamedWithTheirPaths() {
    List<ScenarioProblem> p = TlsOptionsTest.problems(scenario("tgi", "http://127.0.0.1:8080",
        "{url: \"ftp://x/metrics\", interval: 10ms, dcgm: \"not a url\"}"), null);
    assertThat(p).extracting(ScenarioProblem::path)
        .contains("targets[0].metrics.url", "targets[0].metrics.interval", "targets[0].metrics.dcgm");
    assertThat(TlsOptionsTest.problems(scenario("tgi", "http://127.0.0.1:8080", "{enabled: false, url: \"http://h/metrics\"}"), null))
        .extracting(ScenarioProblem::path).contains("targets[0].metrics.enabled");
    assertThat(TlsOptionsTest.problems(scenario("tgi", "http://127.0.0.1:8080", "sometimes"), null))
        .extracting(ScenarioProblem::path).contains("targets[0].metrics");
  }

  @Test
  void aCoordinatorsAllowListBoundsTheMetricsUrlsToo() throws Exception {
    Scenario s = ScenarioLoader.parse(scenario("tgi", "http://127.0.0.1:8080",
        "{url: \"http://169.254.169.254/metrics\", dcgm: \"http://127.0.0.1:9400/metrics\"}"), null);
    assertThat(TargetAllowList.parse("127.0.0.1").problems(s)).extracting(ScenarioProblem::path, q -> q.message().startsWith("169.254.169.254:80"))
        .containsExactly(tuple("targets[0].metrics.url", true));
    Scenario several = ScenarioLoader.parse(scenario("tgi", "http://127.0.0.1:8080",
        "{dcgmExporters: [{url: \"http://127.0.0.1:9400/metrics\", node: a}, {url: \"http://10.0.0.9:9400/metrics\", node: b}]}"), null);
    assertThat(TargetAllowList.parse("127.0.0.1").problems(several)).extracting(ScenarioProblem::path)
        .containsExactly("targets[0].metrics.dcgmExporters[1].url");
  }
}
