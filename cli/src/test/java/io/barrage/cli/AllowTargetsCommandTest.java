package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.protocol.scenario.TestScenario;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code barrage coordinator --allow-targets} refuses a scenario aimed elsewhere before any node starts. */
class AllowTargetsCommandTest {
  @TempDir Path dir;

  record Result(int code, String err) {}

  Result coordinator(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "coordinator";
    System.arraycopy(args, 0, all, 1, args.length);
    CliRun r = CliRun.of(all);
    return new Result(r.code(), r.err());
  }

  @Test
  void aScenarioAimedOutsideTheListIsRefusedWithExitCode2() throws Exception {
    Path s = TestScenario.named("metadata").target("a", "http://169.254.169.254/latest/meta-data").writeTo(dir.resolve("s.yaml"));
    Result r = coordinator("--allow-targets", "127.0.0.1,*.inference.internal", "--scenario", s.toString(),
        "--http-port", "-1", "--out", dir.resolve("out").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("targets[0].url").contains("169.254.169.254:80 is not an allowed target")
        .contains("127.0.0.1, *.inference.internal");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void aMalformedPatternIsNamed() throws Exception {
    Result r = coordinator("--allow-targets", "host:notaport", "--http-port", "-1", "--out", dir.resolve("out").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--allow-targets").contains("host:notaport");
  }
}
