package io.barrage.protocol.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scenario values that used to break a run or a node are validation problems naming their path. */
class ScenarioLimitsTest {

  static String scenario(String prompt, String step) {
    return TestScenario.named("limits").prompt(prompt).load("{concurrency: [1, 1000]}").step(step).timeouts("{total: 60s}").yaml();
  }

  private static List<ScenarioProblem> problems(String yaml) {
    InvalidScenarioException e = catchThrowableOfType(() -> ScenarioLoader.parse(yaml, null), InvalidScenarioException.class);
    assertThat(e).as("refused as invalid (not another exception)").isNotNull();
    return e.problems();
  }

  private static ScenarioProblem problemAt(String yaml, String path) {
    return problems(yaml).stream().filter(p -> p.path().equals(path)).findFirst()
        .orElseThrow(() -> new AssertionError("no problem at " + path + " in " + problems(yaml)));
  }

  @Test
  void durationsThatOverflowOrAreFinerThanANanosecondAreProblemsNotCrashes() {
    assertThat(problemAt(scenario("{text: hi}", "{duration: 10000000h}"), "workload.step.duration").message())
        .contains("longer than barrage can count");
    assertThat(problemAt(scenario("{text: hi}", "{duration: 0.0000000001s}"), "workload.step.duration").message())
        .contains("not a whole number of nanoseconds");
    assertThat(problemAt(scenario("{text: hi}", "{duration: 10s, warmup: 99999999999999999999m}"), "workload.step.warmup").message())
        .contains("longer than barrage can count");
  }

  @Test
  void aStepLongerThanTheCapNamesTheSettingThatRaisesIt() {
    ScenarioProblem p = problemAt(scenario("{text: hi}", "{duration: 25h}"), "workload.step.duration");
    assertThat(p.message()).contains("at most 24h").contains("BARRAGE_MAX_DURATION");
    assertThat(problemAt(scenario("{text: hi}", "{duration: 10s}").replace("total: 60s", "total: 2000h"), "workload.timeouts.total").message())
        .contains("at most 24h");
  }

  @Test
  void requestCountsOverTheCapAreRefused() {
    assertThat(problemAt(scenario("{text: hi}", "{requests: 2000000000}"), "workload.step.requests").message())
        .contains("at most 100000000").contains("BARRAGE_MAX_REQUESTS");
    // 1000 users x 200,000 each = 200 million at the highest level
    assertThat(problemAt(scenario("{text: hi}", "{requestsPerUser: 200000}"), "workload.step.requestsPerUser").message())
        .contains("200000000 requests at the highest concurrency");
  }

  @Test
  void syntheticLengthsAreCappedAndTheirRangeMustBeInOrder() {
    String huge = scenario("{synthetic: {inputTokens: {mean: 2000000000}}}", "{requests: 10}");
    assertThat(problemAt(huge, "workload.prompt.synthetic.inputTokens.mean").message()).contains("at most 1000000").contains("BARRAGE_MAX_PROMPT_TOKENS");
    String inverted = scenario("{synthetic: {inputTokens: {mean: 150, min: 300, max: 200}}}", "{requests: 10}");
    assertThat(problemAt(inverted, "workload.prompt.synthetic.inputTokens.min").message()).isEqualTo("min 300 is greater than max 200");
    String outside = scenario("{synthetic: {inputTokens: {mean: 500, min: 100, max: 200}}}", "{requests: 10}");
    assertThat(problemAt(outside, "workload.prompt.synthetic.inputTokens.mean").message()).isEqualTo("mean 500 is above max 200");
    assertThat(problemAt(scenario("{synthetic: {inputTokens: {mean: 5, min: 0}}}", "{requests: 10}"), "workload.prompt.synthetic.inputTokens.min")
        .message()).isEqualTo("must be >= 1");
  }

  @Test
  void theCapsAreDeploymentSettingsThatCanBeRaised() throws Exception {
    ScenarioLimits raised = ScenarioLimits.from(ConfigFactory.parseString(
        "max-duration = 72h, max-requests = 5000000000, max-prompt-tokens = 4000000, max-file-bytes = 4 MiB"));
    List<ScenarioProblem> out = new ArrayList<>();
    Scenario soak = ScenarioLoader.yamlMapper().readValue(scenario("{text: hi}", "{duration: 48h}"), Scenario.class);
    raised.check(soak, out);
    assertThat(out).isEmpty();
    ScenarioLimits.get().check(soak, out);
    assertThat(out).extracting(ScenarioProblem::path).containsExactly("workload.step.duration");
    assertThat(ScenarioLimits.get().maxDuration()).isEqualTo(Duration.ofHours(24));
    assertThatThrownBy(() -> ScenarioLimits.from(ConfigFactory.parseString("max-duration = 0s, max-requests = 1, max-prompt-tokens = 1, max-file-bytes = 1")))
        .hasMessageContaining("must be > 0");
  }

  @Test
  void aScenarioFileOverTheCapIsRefusedBeforeParsing(@TempDir Path dir) throws Exception {
    Path big = dir.resolve("big.yaml");
    String head = scenario("{text: hi}", "{requests: 10}");
    Files.writeString(big, head + "#" + "x".repeat(1024 * 1024) + "\n");
    InvalidScenarioException e = catchThrowableOfType(() -> ScenarioLoader.load(big), InvalidScenarioException.class);
    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.path()).isEqualTo("(file)");
      assertThat(p.message()).contains("more than 1048576 bytes").contains("BARRAGE_MAX_SCENARIO_FILE_BYTES");
    });
    // a file that never ends is refused after the cap, not read forever
    Path endless = Path.of("/dev/zero");
    if (Files.isReadable(endless)) assertThatThrownBy(() -> ScenarioLoader.readText(endless)).isInstanceOf(IOException.class);
    Path ok = dir.resolve("ok.yaml");
    Files.writeString(ok, head);
    assertThat(ScenarioLoader.load(ok).name()).isEqualTo("limits");
  }
}
