package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.simulator.Profiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code barrage simulate}: the profile list and the bad-input exits (the server itself is tested in simulator). */
class SimulateCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream oldOut;
  private PrintStream oldErr;

  @BeforeEach
  void capture() {
    oldOut = System.out;
    oldErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setOut(oldOut);
    System.setErr(oldErr);
  }

  @Test
  void listPrintsEveryProfileWithADescription() {
    assertThat(BarrageMain.execute("simulate", "--list")).isEqualTo(ExitCodes.OK);
    String text = out.toString(StandardCharsets.UTF_8);
    for (String name : Profiles.names()) assertThat(text).contains(name);
    assertThat(text.lines().count()).isEqualTo(Profiles.names().size());
  }

  @Test
  void unknownProfileExits2WithTheValidNames() {
    assertThat(BarrageMain.execute("simulate", "--profile", "nope")).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown profile 'nope'").contains("tgi-fast", "fastapi-fast");
  }

  @Test
  void missingProfileExits2() {
    assertThat(BarrageMain.execute("simulate")).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--profile NAME is required");
  }

  @Test
  void badOptionValuesExit2() {
    assertThat(BarrageMain.execute("simulate", "--profile", "tgi-fast", "--port", "70000")).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(BarrageMain.execute("simulate", "--profile", "tgi-fast", "--keep-alive", "soon")).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(BarrageMain.execute("simulate", "--profile", "tgi-fast", "--fault-error-rate", "2")).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(BarrageMain.execute("simulate", "--profile", "tgi-fast", "--port", "abc")).isEqualTo(ExitCodes.BAD_INPUT);
  }
}
