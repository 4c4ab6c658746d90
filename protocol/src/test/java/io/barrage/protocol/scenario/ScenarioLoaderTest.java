package io.barrage.protocol.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScenarioLoaderTest {
  static final String GOOD = """
      name: fastapi-vs-tgi
      targets:
        - name: fastapi-a100
          api: fastapi
          url: http://127.0.0.1:8081/generate
          deployment: {instance: a100-40gb, gpus: 1, usdPerHour: 4.10}
        - name: tgi
          api: tgi-stream
          url: http://127.0.0.1:8082
      workload:
        prompt: {text: "hello"}
        maxNewTokens: [128, 256]
        load: {concurrency: [1, 5, 10]}
        step: {duration: 60s, warmup: 10s}
        timeouts: {firstToken: 120s, idle: 60s, total: 600s}
      comparison: {baseline: fastapi-a100}
      """;

  @Test
  void requestsPerUserMakesEveryLevelFireThatManyRequestsPerVirtualUser() throws Exception {
    Scenario s = ScenarioLoader.parse(GOOD.replace("step: {duration: 60s, warmup: 10s}", "step: {requestsPerUser: 2}"), null);
    assertThat(s.workload().step().requestsFor(new io.barrage.protocol.plan.Load.Concurrency(300))).isEqualTo(600);
    assertThat(s.workload().step().requestsFor(new io.barrage.protocol.plan.Load.Concurrency(1))).isEqualTo(2);
  }

  @Test
  void requestsPerUserIsRefusedForARate() {
    String yaml = GOOD.replace("step: {duration: 60s, warmup: 10s}", "step: {requestsPerUser: 2}")
        .replace("load: {concurrency: [1, 5, 10]}", "load: {rate: [1, 2]}");
    InvalidScenarioException e = catchThrowableOfType(() -> ScenarioLoader.parse(yaml, null), InvalidScenarioException.class);
    assertThat(e.problems()).extracting(ScenarioProblem::path).contains("workload.step.requestsPerUser");
  }

  @Test
  void theVerdictsErrorRateLimitIsOnePercentUnlessTheSloSetsOne() throws Exception {
    assertThat(SloSpec.verdictErrorRateLimit(ScenarioLoader.parse(GOOD, null).slo())).isEqualTo(0.01);
    assertThat(SloSpec.verdictErrorRateLimit(ScenarioLoader.parse(GOOD + "slo: {ttftP99: 2s}\n", null).slo())).isEqualTo(0.01);
    assertThat(SloSpec.verdictErrorRateLimit(ScenarioLoader.parse(GOOD + "slo: {maxErrorRate: 0.05}\n", null).slo())).isEqualTo(0.05);
    InvalidScenarioException e = catchThrowableOfType(() -> ScenarioLoader.parse(GOOD + "slo: {maxErrorRate: 5}\n", null), InvalidScenarioException.class);
    assertThat(e.problems()).extracting(ScenarioProblem::path).containsExactly("slo.maxErrorRate");
    assertThat(e.getMessage()).contains("0.01 = 1 %");
  }

  @Test
  void aGoodScenarioBinds() throws Exception {
    Scenario s = ScenarioLoader.parse(GOOD, null);
    assertThat(s.targets()).hasSize(2);
    assertThat(s.targets().get(1).api()).isEqualTo(ApiKind.TGI_STREAM);
    assertThat(s.workload().step().warmup()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.workload().maxNewTokens()).containsExactly(128, 256);
  }

  @Test
  void aTargetCanRunASubsetOfTheOutputLengths() throws Exception {
    String yaml = GOOD.replace("url: http://127.0.0.1:8081/generate", "url: http://127.0.0.1:8081/generate\n    maxNewTokens: [128]");
    Scenario s = ScenarioLoader.parse(yaml, null);
    assertThat(s.targets().get(0).runs(256)).isFalse();
    // fastapi at 128 only, tgi at both: 3 load levels × (1 + 2) cells, fastapi never at 256
    List<io.barrage.protocol.plan.CellSpec> cells = io.barrage.protocol.plan.CellPlanner.plan(s);
    assertThat(cells).hasSize(9);
    assertThat(cells).filteredOn(c -> c.target().equals("fastapi-a100")).allSatisfy(c -> assertThat(c.maxNewTokens()).isEqualTo(128));
    InvalidScenarioException e = catchThrowableOfType(InvalidScenarioException.class,
        () -> ScenarioLoader.parse(GOOD.replace("url: http://127.0.0.1:8082", "url: http://127.0.0.1:8082\n    maxNewTokens: [128, 512]"), null));
    assertThat(e.problems()).filteredOn(p -> p.path().equals("targets[1].maxNewTokens[1]"))
        .singleElement().satisfies(p -> assertThat(p.message()).contains("must be one of workload.maxNewTokens [128, 256], got 512"));
  }

  @Test
  void aSingleValueStandsForAOneElementList() throws Exception {
    Scenario s = ScenarioLoader.parse(GOOD.replace("maxNewTokens: [128, 256]", "maxNewTokens: 128"), null);
    assertThat(s.workload().maxNewTokens()).containsExactly(128);
  }

  @Test
  void everyProblemIsReportedAtOnceWithItsYamlPath() {
    String bad = """
        name: broken
        colour: blue
        targets:
          - name: a
            api: grpc
            url: http://127.0.0.1:1
            deployment: {gpus: two, usdPerHour: -1}
          - name: b
            api: tgi
            url: ftp://x
            stream: maybe
        workload:
          prompt: {text: "hi", txt: "typo"}
          maxNewTokens: [128, lots, 0]
          load: {concurrency: [1, many], arrivals: sometimes}
          step: {duration: 2x, requests: 10}
          timeouts: {firstToken: soon}
        """;
    InvalidScenarioException e = catchThrowableOfType(InvalidScenarioException.class, () -> ScenarioLoader.parse(bad, null));
    List<String> paths = e.problems().stream().map(ScenarioProblem::path).toList();
    assertThat(paths).contains(
        "colour",
        "targets[0].api",
        "targets[0].deployment.gpus",
        "targets[0].deployment.usdPerHour",
        "targets[1].url",
        "targets[1].stream",
        "workload.prompt.txt",
        "workload.maxNewTokens[1]",
        "workload.maxNewTokens[2]",
        "workload.load.concurrency[1]",
        "workload.load.arrivals",
        "workload.step.duration",
        "workload.timeouts.firstToken");
    assertThat(e.problems()).filteredOn(p -> p.path().equals("targets[0].api"))
        .singleElement().satisfies(p -> assertThat(p.message()).contains("grpc").contains("tgi-stream"));
    assertThat(e.problems()).filteredOn(p -> p.path().equals("colour"))
        .singleElement().satisfies(p -> assertThat(p.message()).contains("unknown key").contains("targets"));
    assertThat(e.getMessage()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void aWrongShapeIsNamed() {
    InvalidScenarioException e = catchThrowableOfType(InvalidScenarioException.class,
        () -> ScenarioLoader.parse("name: x\ntargets: 3\nworkload: [1]\n", null));
    assertThat(e.problems()).extracting(ScenarioProblem::path).contains("targets", "workload");
  }
}
