package io.barrage.protocol.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A target's {@code tls} options: how they bind and what validation says about them. */
class TlsOptionsTest {
  static String scenario(String url, String tls) {
    return """
        name: t
        targets:
          - name: api
            api: openai-chat
            url: %s
        %s
        workload:
          prompt: {text: "hello"}
          maxNewTokens: 16
          load: {concurrency: 1}
          step: {requests: 1}
        """.formatted(url, tls.isEmpty() ? "" : "    tls: " + tls);
  }

  static List<ScenarioProblem> problems(String yaml, Path dir) {
    return catchThrowableOfType(() -> ScenarioLoader.parse(yaml, dir), InvalidScenarioException.class).problems();
  }

  @Test
  void aCaFileIsResolvedAgainstTheScenarioDirectory(@TempDir Path dir) throws Exception {
    Files.copy(Path.of(getClass().getResource("/tls/ca.pem").toURI()), dir.resolve("ca.pem"));
    Scenario s = ScenarioLoader.parse(scenario("https://api.example.com/v1", "{caFile: ca.pem}"), dir);
    assertThat(s.targets().get(0).tls()).isEqualTo(new TlsOptions("ca.pem", null));
    assertThat(s.targets().get(0).tls().skipVerify()).isFalse();
  }

  @Test
  void withoutTlsOptionsCertificatesAreVerified() throws Exception {
    Scenario s = ScenarioLoader.parse(scenario("https://api.example.com/v1", ""), null);
    assertThat(s.targets().get(0).tls()).isNull();
    Scenario off = ScenarioLoader.parse(scenario("https://127.0.0.1:8443", "{insecureSkipVerify: true}"), null);
    assertThat(off.targets().get(0).tls().skipVerify()).isTrue();
  }

  @Test
  void tlsOptionsOnAPlainHttpUrlAreAMistake() {
    assertThat(problems(scenario("http://127.0.0.1:8080", "{insecureSkipVerify: true}"), null))
        .extracting(ScenarioProblem::path, ScenarioProblem::message)
        .contains(org.assertj.core.groups.Tuple.tuple("targets[0].tls", "applies to https:// urls only; this target's url is not https"));
  }

  @Test
  void aMissingOrUnreadableCaFileAndContradictoryOptionsAreNamed(@TempDir Path dir) throws Exception {
    assertThat(problems(scenario("https://h", "{caFile: nope.pem}"), dir))
        .anySatisfy(p -> {
          assertThat(p.path()).isEqualTo("targets[0].tls.caFile");
          assertThat(p.message()).contains("nope.pem").contains("no such file");
        });
    Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    assertThat(problems(scenario("https://h", "{caFile: key.pem}"), dir))
        .anySatisfy(p -> assertThat(p.message()).contains("key.pem").contains("no PEM certificate"));
    Files.copy(Path.of(getClass().getResource("/tls/ca.pem").toURI()), dir.resolve("ca.pem"));
    assertThat(problems(scenario("https://h", "{caFile: ca.pem, insecureSkipVerify: true}"), dir))
        .extracting(ScenarioProblem::message).contains("give caFile or insecureSkipVerify: true, not both");
  }
}
