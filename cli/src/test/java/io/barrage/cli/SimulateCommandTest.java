package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.simulator.Profiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

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
  void tlsOptionsMustComeTogetherAndNotTwice() {
    assertThat(BarrageMain.execute("simulate", "--profile", "tgi-fast", "--tls-cert", "cert.pem")).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(err.toString()).contains("--tls-cert and --tls-key go together");
    assertThat(BarrageMain.execute("simulate", "--profile", "tgi-fast", "--tls-self-signed", "--tls-cert", "c.pem", "--tls-key", "k.pem"))
        .isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(err.toString()).contains("give --tls-self-signed or --tls-cert/--tls-key, not both");
    assertThat(BarrageMain.execute("simulate", "--profile", "tgi-fast", "--tls-cert", "/nonexistent/c.pem", "--tls-key", "/nonexistent/k.pem"))
        .isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(err.toString()).contains("/nonexistent/");
  }

  @Test
  void badOptionValuesExit2() {
    assertThat(BarrageMain.execute("simulate", "--profile", "tgi-fast", "--port", "70000")).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(BarrageMain.execute("simulate", "--profile", "tgi-fast", "--keep-alive", "soon")).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(BarrageMain.execute("simulate", "--profile", "tgi-fast", "--fault-error-rate", "2")).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(BarrageMain.execute("simulate", "--profile", "tgi-fast", "--port", "abc")).isEqualTo(ExitCodes.BAD_INPUT);
  }

  static SimulateCommand parse(String... args) {
    SimulateCommand c = new SimulateCommand();
    new CommandLine(c).parseArgs(args);
    return c;
  }

  @Test
  void connectionHabitsOfRealServersAreOptionsWithKeepAliveAsTheDefault() {
    assertThat(parse("--profile", "tgi-fast").config().connections())
        .isEqualTo(io.barrage.simulator.http.ConnectionPolicy.DEFAULT);
    var c = parse("--profile", "fastapi-fast", "--close-after-stream", "silent", "--backlog", "5").config().connections();
    assertThat(c.afterStream()).isEqualTo(io.barrage.simulator.http.ConnectionPolicy.AfterStream.SILENT);
    assertThat(c.backlog()).isEqualTo(5);
    assertThat(BarrageMain.execute("simulate", "--profile", "tgi-fast", "--close-after-stream", "sometimes")).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--close-after-stream expected keep, silent or announced, got 'sometimes'");
    assertThat(BarrageMain.execute("simulate", "--profile", "tgi-fast", "--backlog", "0")).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--backlog must be at least 1, got 0");
  }

  @Test
  void headAndIdleTimeoutsAreOptionsAndBadValuesExit2() {
    var c = parse("--profile", "tgi-fast", "--head-timeout", "2s", "--idle-timeout", "5s").config().connections();
    assertThat(c.headTimeout()).isEqualTo(java.time.Duration.ofSeconds(2));
    assertThat(c.idleTimeout()).isEqualTo(java.time.Duration.ofSeconds(5));
    // the same duration syntax as scenarios, hours included
    assertThat(parse("--profile", "tgi-fast", "--idle-timeout", "1h").config().connections().idleTimeout())
        .isEqualTo(java.time.Duration.ofHours(1));
    assertThat(BarrageMain.execute("simulate", "--profile", "tgi-fast", "--head-timeout", "0s")).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--head-timeout must be between 1ms and 24h, got '0s'");
    assertThat(BarrageMain.execute("simulate", "--profile", "tgi-fast", "--idle-timeout", "soon")).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--idle-timeout: 'soon' is not a duration (write e.g. 250ms, 2s, 1.5s, 10m, 1h)");
  }

  @Test
  void groundTruthRecordsNeverPileUpInMemory() {
    // nothing in the process reads them: with a file they go there, without one only counts remain
    assertThat(parse("--profile", "tgi-fast").config().truthInMemory()).isFalse();
    assertThat(parse("--profile", "tgi-fast", "--truth-log", "t.jsonl").config().truthInMemory()).isFalse();
  }

  @Test
  void dcgmPodsLabelTheSimulatedGpusInOrderAndMustBeNamespaceSlashName() {
    assertThat(parse("--profile", "tgi-fast").config().dcgmPods()).isEmpty();
    assertThat(parse("--profile", "tgi-fast", "--dcgm-pods", "llm/tgi-0,research/train-7").config().dcgmPods())
        .containsExactly("llm/tgi-0", "research/train-7");
    assertThat(BarrageMain.execute("simulate", "--profile", "tgi-fast", "--dcgm-pods", "tgi-0")).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--dcgm-pods: 'tgi-0' is not namespace/name");
  }

  @Test
  void ioPriorityIsNormalUnlessAskedAndExcludesANiceValue() {
    assertThat(parse("--profile", "tgi-fast").config().realtimeIo()).isFalse();
    assertThat(parse("--profile", "tgi-fast", "--io-priority", "realtime").config().realtimeIo()).isTrue();
    assertThat(BarrageMain.execute("simulate", "--profile", "tgi-fast", "--io-priority", "realtime", "--io-nice", "5"))
        .isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--io-priority realtime and --io-nice 5 exclude each other");
    assertThat(BarrageMain.execute("simulate", "--profile", "tgi-fast", "--io-priority", "fast")).isEqualTo(ExitCodes.BAD_INPUT);
  }

  @Test
  void aCountOffsetMakesTheServerMiscountAndNothingElse() {
    assertThat(parse("--profile", "tgi-fast").config().profile().faults().countOffset()).isZero();
    var faults = parse("--profile", "tgi-fast", "--fault-count-offset", "3").config().profile().faults();
    assertThat(faults.countOffset()).isEqualTo(3);
    assertThat(faults.errorRate()).isZero();
  }

  @Test
  void theApiKeyComesFromTheFlagOrFromANamedEnvironmentVariable() {
    assertThat(parse("--profile", "tgi-fast", "--api-key", "s3cret-Key").config().apiKey()).isEqualTo("s3cret-Key");
    SimulateCommand fromEnv = parse("--profile", "tgi-fast", "--api-key-env", "SIM_KEY");
    fromEnv.environment = name -> name.equals("SIM_KEY") ? "from-the-env" : null;
    assertThat(fromEnv.config().apiKey()).isEqualTo("from-the-env");
    assertThat(parse("--profile", "tgi-fast").config().apiKey()).isNull();
    // the config's text (what a log line would show) never holds the key
    assertThat(fromEnv.config().toString()).doesNotContain("from-the-env").contains("apiKey=<redacted>");
  }

  @Test
  void badApiKeyOptionsExit2WithoutEchoingTheKey() {
    assertThat(BarrageMain.execute("simulate", "--profile", "tgi-fast", "--api-key", "k-one", "--api-key-env", "SOME_VAR"))
        .isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(BarrageMain.execute("simulate", "--profile", "tgi-fast", "--api-key-env", "BARRAGE_TEST_UNSET_VARIABLE_7"))
        .isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(BarrageMain.execute("simulate", "--profile", "tgi-fast", "--api-key", "")).isEqualTo(ExitCodes.BAD_INPUT);
    String text = err.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("not both").contains("BARRAGE_TEST_UNSET_VARIABLE_7 is not set").contains("--api-key must not be empty")
        .doesNotContain("k-one");
  }
}
