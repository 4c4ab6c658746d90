package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.coordinator.report.ResultSet;
import io.barrage.protocol.scenario.Scenario;
import io.barrage.protocol.scenario.ScenarioLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {

  @Test
  void thePresetShipsInsideTheJarUnchanged() throws Exception {
    assertThat(DemoCommand.readPreset()).isEqualTo(Files.readString(Path.of("..", "examples", "fastapi-vs-tgi.yaml")));
  }

  @Test
  void theDemoScenarioPointsAtTheSimulatorsAndDividesTheTimeoutsByTheTimeScale() throws Exception {
    String yaml = DemoCommand.scenarioYaml(DemoCommand.readPreset(),
        Map.of("fastapi-a100", "http://127.0.0.1:40001", "tgi-2xa4000", "http://127.0.0.1:40002"), DemoCommand.Scale.of(true, null));
    Scenario sc = ScenarioLoader.parse(yaml, null);
    assertThat(sc.target("fastapi-a100").orElseThrow().url()).isEqualTo("http://127.0.0.1:40001/generate");
    assertThat(sc.target("tgi-2xa4000").orElseThrow().url()).isEqualTo("http://127.0.0.1:40002");
    assertThat(sc.workload().load().concurrency()).containsExactly(1, 50, 300);
    // the article's matrix: FastAPI at 128 new tokens, TGI at 128 and 256
    assertThat(sc.workload().maxNewTokens()).containsExactly(128, 256);
    assertThat(sc.target("fastapi-a100").orElseThrow().runs(256)).isFalse();
    // one request per virtual user: 300 concurrent requests are exactly 300 requests fired together
    assertThat(sc.workload().step().requestsPerUser()).isEqualTo(1);
    // the simulators run 10x faster than the hardware: the article's 150 s timeout is 15 s
    assertThat(sc.workload().timeouts().total()).isEqualTo(Duration.ofSeconds(15));
    assertThat(sc.workload().timeouts().firstToken()).isEqualTo(Duration.ofSeconds(15));
    // what the demo keeps from the preset
    assertThat(sc.comparison().baseline()).isEqualTo("fastapi-a100");
    assertThat(sc.target("tgi-2xa4000").orElseThrow().deployment().usdPerHour()).isEqualTo(1.52);
    Scenario full = ScenarioLoader.parse(DemoCommand.scenarioYaml(DemoCommand.readPreset(),
        Map.of("fastapi-a100", "http://127.0.0.1:1", "tgi-2xa4000", "http://127.0.0.1:2"), DemoCommand.Scale.of(false, null)), null);
    assertThat(full.workload().load().concurrency()).containsExactly(1, 5, 10, 50, 100, 200, 300);
    assertThat(full.workload().timeouts().total()).isEqualTo(Duration.ofSeconds(15));
    assertThat(DemoCommand.Scale.of(false, 40.0).timeScale()).isEqualTo(40);
  }

  @Test
  void eachArticleFigureIsMarkedReproducedOnlyWithinItsToleranceAndNamesBothFigures(@TempDir Path tmp) throws Exception {
    var fitted = ResultSet.read(ResultDirs.writeArticleLike(tmp.resolve("fitted"), 10, 1)).summary();
    List<String> lines = ArticleFindings.of(fitted, 10);
    lines.forEach(System.out::println);
    assertThat(lines.get(0)).startsWith("The FastAPI-vs-TGI article in its own definitions").contains("±25%");
    // (27.94/3.13 + 7.53/2.50 + 1.59/1.24) / 3 = 4.41; (40.9/4.6 + 51.1/17.0 + 103.5/80.3) / 3 = 4.40
    assertThat(lines.get(1)).startsWith("[reproduced] per-request throughput tgi-2xa4000 / fastapi-a100: 4.4")
        .contains("over 3 load levels").contains("article: \"up to 4×\"; ±25%: 3.00–5.00×");
    assertThat(lines.get(2)).startsWith("[reproduced] latency fastapi-a100 / tgi-2xa4000 (lower for tgi-2xa4000): 4.4")
        .contains("article: \"almost 5×\"; ±25%: 3.75–6.25×");
    assertThat(lines.get(3)).isEqualTo("[reproduced] fastapi-a100's mean latency at 300 concurrent requests: 104 s with 0 timeouts"
        + " (article: \"over 100 s\" as the requests grow, no timeouts reported)");
    assertThat(lines.get(4)).startsWith("[reproduced] tgi-2xa4000 at 256 vs 128 new tokens, up to 200 concurrent: per-request throughput 0.97× at the furthest")
        .contains("latency 2.0–2.1× (article: \"clearly higher\"; at least 1.5×)");
    assertThat(lines.get(5)).startsWith("[reproduced] tgi-2xa4000 at 300 concurrent × 256 new tokens: 2.24 tokens/s per request (article: \"about 2\"; ±25%: 1.5–2.5)")
        .contains("mean latency 114 s (article: \"over 100 s\")").contains("100 of 300 requests timed out at 150 s");
    assertThat(lines.get(6)).startsWith("barrage's aggregate comparison (all output tokens / window; median latency; at the top common level): tgi-2xa4000:");

    // TGI three times faster at 128 tokens: the ratios leave the tolerance, and the demo says so
    var tooFast = ResultSet.read(ResultDirs.writeArticleLike(tmp.resolve("fast"), 10, 3)).summary();
    List<String> off = ArticleFindings.of(tooFast, 10);
    assertThat(off.get(1)).startsWith("[not reproduced] per-request throughput tgi-2xa4000 / fastapi-a100: 13.2");
    assertThat(off.get(2)).startsWith("[not reproduced] latency");
    assertThat(off.get(4)).startsWith("[not reproduced] tgi-2xa4000 at 256 vs 128 new tokens");
    var other = ResultSet.read(ResultDirs.write(tmp.resolve("other"), "n", 1.0)).summary();
    assertThat(ArticleFindings.of(other, 10)).as("not the demo's targets: no findings").isEmpty();
  }

  @Test
  void aFigureOutsideTheToleranceFromACellTheMachineDisturbedIsInconclusiveAndNamesTheCell(@TempDir Path tmp) throws Exception {
    // the shape of a run on a machine at load average 20: one worker of tgi-2xa4000/m128/c50 stalled,
    // the cell's mean latency 1.4× the model's and its send lag over the budget
    var loaded = ResultSet.read(ResultDirs.writeArticleLike(tmp.resolve("loaded"), 10, 1,
        Map.of("tgi-2xa4000/m128/c50", 1.4), java.util.Set.of("tgi-2xa4000/m128/c50"))).summary();
    List<String> lines = ArticleFindings.of(loaded, 10);
    lines.forEach(System.out::println);
    assertThat(lines.get(4)).startsWith("[inconclusive] tgi-2xa4000 at 256 vs 128 new tokens, up to 200 concurrent: per-request throughput 1.36×")
        .contains("tgi-2xa4000/m128/c50 (mean latency 23.8 s where the simulator's own timeline gives 17.0 s (+40%); load generator saturated:"
            + " send-lag p99 200 ms > 50 ms)")
        .contains("run the demo on a quieter machine");
    // still within the tolerance: reproduced, with the same note
    assertThat(lines.get(1)).startsWith("[reproduced] per-request throughput").contains("tgi-2xa4000/m128/c50 (mean latency 23.8 s");
    // lines that use no disturbed cell say nothing about the machine
    assertThat(lines.get(3)).startsWith("[reproduced] fastapi-a100's mean latency").doesNotContain("quieter");
    assertThat(lines.get(5)).startsWith("[reproduced] tgi-2xa4000 at 300 concurrent × 256").doesNotContain("quieter");

    // a single request 20% late with the generator on schedule (a stall while it streamed): the
    // simulator's own timeline shows it, and the line says so
    var stalled = ResultSet.read(ResultDirs.writeArticleLike(tmp.resolve("stalled"), 10, 1,
        Map.of("tgi-2xa4000/m128/c1", 1.3), java.util.Set.of())).summary();
    assertThat(ArticleFindings.of(stalled, 10).get(4)).startsWith("[inconclusive] tgi-2xa4000 at 256 vs 128 new tokens")
        .contains("tgi-2xa4000/m128/c1 (mean latency 6.0 s where the simulator's own timeline gives 4.6 s (+30%))")
        .doesNotContain("saturated");

    // a saturated generator whose cell still follows the model (requests sent late, answered at the
    // model's pace: e2e runs from the send) disturbs nothing
    var late = ResultSet.read(ResultDirs.writeArticleLike(tmp.resolve("late"), 10, 1,
        Map.of(), java.util.Set.of("tgi-2xa4000/m128/c300", "tgi-2xa4000/m256/c300"))).summary();
    assertThat(ArticleFindings.of(late, 10)).allSatisfy(l -> assertThat(l).doesNotContain("quieter"));
  }
}
