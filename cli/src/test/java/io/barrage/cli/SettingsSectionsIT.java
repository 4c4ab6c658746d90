package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.protocol.scenario.TestScenario;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A misspelt settings section stops the command at start-up with exit code 2 and its name, no stack trace. */
class SettingsSectionsIT {
  @TempDir Path dir;

  @Test
  void aMisspeltSectionStopsTheCommandWithExitTwoNamingIt() throws Exception {
    Path f = TestScenario.named("settings-it").writeTo(dir.resolve("s.yaml"));
    try (BarrageProcess p = BarrageProcess.barrage("validate", f.toString())
        .env("JAVA_TOOL_OPTIONS", "-Dbarrage.wroker.engine.io-threads=2").start(dir.resolve("typo.log"))) {
      assertThat(p.waitFor(Duration.ofSeconds(60))).as("validate ends").isTrue();
      assertThat(p.exitValue()).as(p.log()).isEqualTo(ExitCodes.BAD_INPUT);
      assertThat(p.log()).contains("barrage: unknown settings section barrage.wroker: the sections under barrage are cluster, coordinator, "
          + "scenario, worker").doesNotContain("Exception").doesNotContain("valid scenario");
    }
    // an unknown key inside a known section, found where the command reads it (the scenario limits)
    try (BarrageProcess p = BarrageProcess.barrage("validate", f.toString())
        .env("JAVA_TOOL_OPTIONS", "-Dbarrage.scenario.limits.max-request=7").start(dir.resolve("key.log"))) {
      assertThat(p.waitFor(Duration.ofSeconds(60))).as("validate ends").isTrue();
      assertThat(p.exitValue()).as(p.log()).isEqualTo(ExitCodes.BAD_INPUT);
      assertThat(p.log()).contains("barrage: unknown setting barrage.scenario.limits.max-request").doesNotContain("Exception");
    }
    try (BarrageProcess p = BarrageProcess.barrage("validate", f.toString())
        .env("JAVA_TOOL_OPTIONS", "-Dbarrage.worker.engine.io-threads=2").start(dir.resolve("ok.log"))) {
      assertThat(p.waitFor(Duration.ofSeconds(60))).as("validate ends").isTrue();
      assertThat(p.exitValue()).as(p.log()).isEqualTo(ExitCodes.OK);
    }
  }
}
