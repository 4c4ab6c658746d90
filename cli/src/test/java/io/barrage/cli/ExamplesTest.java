package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.protocol.plan.CellPlanner;
import io.barrage.protocol.scenario.Scenario;
import io.barrage.protocol.scenario.ScenarioLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The presets in examples/ are valid scenarios with the shape their seeds describe. */
class ExamplesTest {
  static final Path EXAMPLES = Path.of("..", "examples");

  @Test
  void everyExampleIsAValidScenario() throws Exception {
    List<Path> files;
    try (Stream<Path> s = Files.list(EXAMPLES)) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(files).extracting(p -> p.getFileName().toString())
        .contains("fastapi-vs-tgi.yaml", "fastapi-vs-tgi-real.yaml", "sagemaker-llama2.yaml", "sagemaker-llama2-real.yaml", "capacity-fastapi-vs-tgi.yaml");
    for (Path f : files) {
      Scenario sc = ScenarioLoader.load(f);
      if (sc.workload().load().search() != null) {
        assertThat(sc.workload().load().search().probesOrDefault()).as(f + ": a search has probes").isPositive();
      } else {
        assertThat(CellPlanner.plan(sc)).as(f.toString()).isNotEmpty();
      }
    }
  }

  @Test
  void fastapiVsTgiIsTheArticlesStressTest() throws Exception {
    Scenario sc = ScenarioLoader.load(EXAMPLES.resolve("fastapi-vs-tgi.yaml"));
    assertThat(sc.workload().maxNewTokens()).containsExactly(128, 256);
    assertThat(sc.workload().load().concurrency()).endsWith(300);
    assertThat(sc.workload().prompt().text()).isNotBlank();
    assertThat(sc.targets()).extracting(t -> t.name()).containsExactly("fastapi-a100", "tgi-2xa4000");
    assertThat(sc.comparison().baseline()).isEqualTo("fastapi-a100");
  }

  @Test
  void sagemakerIsTheBenchmarksMatrix() throws Exception {
    Scenario sc = ScenarioLoader.load(EXAMPLES.resolve("sagemaker-llama2.yaml"));
    assertThat(sc.workload().load().concurrency()).containsExactly(1, 5, 10, 20);
    assertThat(sc.targets()).hasSize(7).allSatisfy(t -> assertThat(t.deployment().usdPerHour()).isPositive());
    assertThat(sc.targets()).extracting(t -> t.deployment().quantization()).contains("gptq", "none");
    assertThat(sc.recommendations().costAtConcurrency()).isEqualTo(5);
  }
}
