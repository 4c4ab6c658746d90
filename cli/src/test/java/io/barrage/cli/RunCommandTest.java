package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrage.protocol.scenario.InvalidScenarioException;
import io.barrage.protocol.scenario.ScenarioLoader;
import io.barrage.protocol.scenario.TestScenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
  @TempDir Path dir;

  static final String YAML = TestScenario.named("t").yaml();

  private static int runCapturingErr(StringBuilder err, String... args) {
    CliRun r = CliRun.of(args);
    err.append(r.err());
    return r.code();
  }

  @Test
  void aBadScenarioExitsWithTwoAndNamesEveryProblem() throws Exception {
    Path f = dir.resolve("bad.yaml");
    TestScenario.named("t").target("a", "grpc", TestScenario.NOWHERE).step("{requests: 0}").writeTo(f);
    StringBuilder err = new StringBuilder();
    int code = runCapturingErr(err, "run", f.toString(), "--out", dir.resolve("out").toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("targets[0].api").doesNotContain("Exception");
  }

  @Test
  void aMissingFileExitsWithTwo() {
    StringBuilder err = new StringBuilder();
    assertThat(runCapturingErr(err, "run", dir.resolve("nope.yaml").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("no such file");
  }

  @Test
  void setOverridesValuesBeforeValidation() throws Exception {
    String y = ScenarioOverrides.apply(YAML, List.of("workload.step.requests=25", "targets[0].url=http://127.0.0.1:8081", "workload.load.concurrency=[1, 4]"));
    var s = ScenarioLoader.parse(y, null);
    assertThat(s.workload().step().requests()).isEqualTo(25);
    assertThat(s.targets().get(0).url()).isEqualTo("http://127.0.0.1:8081");
    assertThat(s.workload().load().concurrency()).containsExactly(1, 4);
    assertThatThrownBy(() -> ScenarioOverrides.apply(YAML, List.of("targets[3].url=x", "novalue")))
        .isInstanceOf(InvalidScenarioException.class)
        .hasMessageContaining("targets[3].url")
        .hasMessageContaining("novalue");
  }

  @Test
  void aWorkerNeedsAValidJoinAddress() {
    StringBuilder err = new StringBuilder();
    assertThat(runCapturingErr(err, "worker", "--join", "no-port")).isEqualTo(2);
    assertThat(err.toString()).contains("HOST:PORT");
  }

  @Test
  void anOutDirectoryHoldingAnotherRunsResultsIsRefusedUnlessForced() throws Exception {
    Path f = dir.resolve("t.yaml");
    Files.writeString(f, YAML);
    Path out = Files.createDirectories(dir.resolve("old-run/histograms"));
    Files.writeString(out.resolve("a_m16_c2_e2e.hlog"), "an old run's interval log");
    StringBuilder err = new StringBuilder();
    assertThat(runCapturingErr(err, "run", f.toString(), "--out", dir.resolve("old-run").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--out").contains("old-run").contains("not empty").contains("--force");
    assertThat(out.resolve("a_m16_c2_e2e.hlog")).exists(); // untouched

    Files.writeString(dir.resolve("old-run/summary.json"), "{}");
    Files.writeString(dir.resolve("old-run/notes.txt"), "mine");
    Files.writeString(dir.resolve("old-run/capacity.csv"), "an old search's answer"); // a new run without a search writes none
    RunCommand.refuseNonEmpty(dir.resolve("old-run"), true);
    assertThat(dir.resolve("old-run/capacity.csv")).doesNotExist();
    assertThat(out.resolve("a_m16_c2_e2e.hlog")).doesNotExist();
    assertThat(dir.resolve("old-run/summary.json")).doesNotExist();
    assertThat(dir.resolve("old-run/notes.txt")).exists(); // not a result file: left alone
    RunCommand.refuseNonEmpty(dir.resolve("old-run"), false); // only other files now: accepted (the demo writes its scenario there)
  }
}
