package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.coordinator.report.ResultSet;
import io.barrage.protocol.scenario.Scenario;
import io.barrage.protocol.scenario.ScenarioLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {

  @Test
  void thePresetShipsInsideTheJarUnchanged() throws Exception {
    assertThat(DemoCommand.readPreset()).isEqualTo(Files.readString(Path.of("..", "examples", "fastapi-vs-tgi.yaml")));
  }

  @Test
  void theDemoScenarioPointsAtTheSimulatorsAndIsScaledDown() throws Exception {
    String yaml = DemoCommand.scenarioYaml(DemoCommand.readPreset(),
        Map.of("fastapi-a100", "http://127.0.0.1:40001", "tgi-2xa4000", "http://127.0.0.1:40002"), DemoCommand.Scale.of(true));
    Scenario sc = ScenarioLoader.parse(yaml, null);
    assertThat(sc.target("fastapi-a100").orElseThrow().url()).isEqualTo("http://127.0.0.1:40001/generate");
    assertThat(sc.target("tgi-2xa4000").orElseThrow().url()).isEqualTo("http://127.0.0.1:40002");
    assertThat(sc.workload().load().concurrency()).containsExactly(1, 10, 100);
    assertThat(sc.workload().maxNewTokens()).containsExactly(128);
    // one request per virtual user: 100 concurrent requests are exactly 100 requests fired together
    assertThat(sc.workload().step().requestsPerUser()).isEqualTo(1);
    assertThat(sc.workload().step().duration()).isNull();
    assertThat(sc.workload().timeouts().firstToken()).hasSeconds(150);
    // what the demo keeps from the preset
    assertThat(sc.comparison().baseline()).isEqualTo("fastapi-a100");
    assertThat(sc.target("tgi-2xa4000").orElseThrow().deployment().usdPerHour()).isEqualTo(1.52);
    Scenario full = ScenarioLoader.parse(DemoCommand.scenarioYaml(DemoCommand.readPreset(),
        Map.of("fastapi-a100", "http://127.0.0.1:1", "tgi-2xa4000", "http://127.0.0.1:2"), DemoCommand.Scale.of(false)), null);
    assertThat(full.workload().maxNewTokens()).containsExactly(128);
    assertThat(full.workload().load().concurrency()).endsWith(300);
  }

  @Test
  void findingsSayWhetherTheArticleWasReproduced(@TempDir Path tmp) throws Exception {
    var won = ResultSet.read(ResultDirs.writeDemoLike(tmp.resolve("won"), true)).summary();
    assertThat(DemoCommand.findings(won)).containsExactly(
        "[reproduced] continuous batching at 10 concurrent requests: 10.0× the naive server's tokens/s",
        "[reproduced] the naive server's median latency grows with its queue: 1000 ms at 1 concurrent request → 10002 ms at 10 concurrent requests"); // 10 s in a 3-digit bucket
    var tie = ResultSet.read(ResultDirs.writeDemoLike(tmp.resolve("tie"), false)).summary();
    assertThat(DemoCommand.findings(tie).get(0)).startsWith("[NOT reproduced] continuous batching at 10 concurrent requests: 1.0×");
    var other = ResultSet.read(ResultDirs.write(tmp.resolve("other"), "n", 1.0)).summary();
    assertThat(DemoCommand.findings(other)).as("not the demo's targets: no findings").isEmpty();
  }
}
