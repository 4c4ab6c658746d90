package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
  @TempDir Path dir;

  CliRun validate(String yaml) throws Exception {
    Path f = Files.writeString(dir.resolve("s.yaml"), yaml);
    return CliRun.of("validate", f.toString());
  }

  @Test
  void aValidScenarioExitsZeroAndSaysWhatItWouldRun() throws Exception {
    CliRun r = validate("""
        name: ok
        targets: [{name: a, api: tgi-stream, url: "http://127.0.0.1:1"}]
        workload: {prompt: {text: hi}, maxNewTokens: [8, 16], load: {concurrency: [1, 2, 3]}, step: {requests: 5}}
        """);
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("6 cell(s)");
  }

  @Test
  void turningCertificateChecksOffIsValidButSaidLoudly() throws Exception {
    CliRun r = validate("""
        name: ok
        targets: [{name: selfsigned, api: tgi-stream, url: "https://127.0.0.1:1", tls: {insecureSkipVerify: true}}]
        workload: {prompt: {text: hi}, maxNewTokens: 8, load: {concurrency: 1}, step: {requests: 5}}
        """);
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("WARNING targets[0].tls.insecureSkipVerify").contains("'selfsigned'").contains("not authenticated");
  }

  @Test
  void everyProblemIsListedWithItsPathAndTheExitCodeIsTwo() throws Exception {
    CliRun r = validate("""
        name: bad
        targets: [{name: a, api: grpc, url: "http://127.0.0.1:1"}]
        workload: {prompt: {text: hi}, maxNewTokens: [eight], load: {concurrency: [1]}, step: {duration: 2x}}
        """);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("4 problem(s)").contains("targets[0].api").contains("workload.maxNewTokens[0]")
        .contains("workload.step.duration").doesNotContain("Exception");
  }

  @Test
  void overflowingDurationsAndOversizedFilesAreBadInputNotACrash() throws Exception {
    String scenario = """
        name: big
        targets: [{name: a, api: tgi-stream, url: "http://127.0.0.1:1"}]
        workload: {prompt: {text: hi}, maxNewTokens: [8], load: {concurrency: [1]}, step: {duration: 10000000h}}
        """;
    CliRun overflow = validate(scenario);
    assertThat(overflow.code()).isEqualTo(2);
    assertThat(overflow.err()).contains("workload.step.duration").contains("longer than barrage can count").doesNotContain("Exception");
    // a 2 MB comment is refused before the YAML parser sees it
    CliRun big = validate(scenario.replace("10000000h", "10s") + "#" + "x".repeat(2 * 1024 * 1024) + "\n");
    assertThat(big.code()).isEqualTo(2);
    assertThat(big.err()).contains("(file)").contains("more than 1048576 bytes").contains("BARRAGE_MAX_SCENARIO_FILE_BYTES");
  }

  @Test
  void aMissingFileIsBadInput() throws Exception {
    assertThat(BarrageMain.execute("validate", dir.resolve("nope.yaml").toString())).isEqualTo(2);
  }
}
