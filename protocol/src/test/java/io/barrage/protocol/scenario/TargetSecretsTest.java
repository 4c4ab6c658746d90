package io.barrage.protocol.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetSecretsTest {
  @TempDir Path dir;

  @Test
  void hostPatternsMatchHostPortAndSubdomainsLiterally() {
    assertThat(HostPattern.matches("api.example.com", "API.example.com", 443)).isTrue();
    assertThat(HostPattern.matches("api.example.com:443", "api.example.com", 8443)).isFalse();
    assertThat(HostPattern.matches("*.example.com", "a.b.example.com", 80)).isTrue();
    assertThat(HostPattern.matches("*.example.com", "example.com", 80)).isFalse();
    assertThat(HostPattern.matches("*.example.com", "evilexample.com", 80)).isFalse();
    assertThat(HostPattern.matches("[::1]:8000", "[::1]", 8000)).isTrue();
    assertThat(HostPattern.matches("::1", "::1", 1)).isTrue();
    assertThat(HostPattern.problem("host:notaport")).contains("host:notaport");
  }

  @Test
  void onlyDeclaredVariablesGoOnlyToTheirHosts() {
    TargetSecrets t = TargetSecrets.parse("TGI_KEY=tgi.internal,10.0.0.5:8000; OTHER=*.corp");
    assertThat(t.refusal("TGI_KEY", "tgi.internal", 80)).isNull();
    assertThat(t.refusal("TGI_KEY", "10.0.0.5", 8000)).isNull();
    assertThat(t.refusal("TGI_KEY", "10.0.0.5", 8001)).contains("10.0.0.5:8001");
    assertThat(t.refusal("TGI_KEY", "169.254.169.254", 80)).contains("TGI_KEY").contains("169.254.169.254:80");
    assertThat(t.refusal("HOME", "tgi.internal", 80)).contains("HOME is not a declared target secret");
    assertThatThrownBy(() -> TargetSecrets.parse("NOHOSTS=")).hasMessageContaining("NOHOSTS");
  }

  @Test
  void undeclaredMeansLoopbackOnly() {
    TargetSecrets local = TargetSecrets.parse(null);
    assertThat(local.refusal("ANY", "127.0.0.1", 8000)).isNull();
    assertThat(local.refusal("ANY", "[::1]", 8000)).isNull();
    assertThat(local.refusal("ANY", "localhost", 8000)).isNull();
    assertThat(local.refusal("ANY", "127.0.0.2", 8000)).isNull();
    assertThat(local.refusal("ANY", "api.openai.com", 443)).contains(TargetSecrets.ENV);
    assertThat(local.refusal("ANY", "127.0.0.1.example.com", 80)).isNotNull();
  }

  @Test
  void aLinkInsideTheScenarioDirectoryCannotLeadOutside() throws Exception {
    Path scenario = Files.createDirectories(dir.resolve("scenario"));
    Path outside = Files.writeString(dir.resolve("outside"), "x");
    Files.createSymbolicLink(scenario.resolve("link"), outside);
    Files.writeString(scenario.resolve("inside"), "x");
    assertThat(ConfinedFiles.resolve("link", scenario, null)).isEmpty();
    assertThat(ConfinedFiles.resolve("inside", scenario, null)).isPresent();
    assertThat(ConfinedFiles.resolve("../outside", scenario, null)).isEmpty();
    assertThat(ConfinedFiles.resolve(outside.toString(), scenario, null)).isEmpty();
    // an absolute path under an allowed directory, and a link into one, are accepted
    assertThat(ConfinedFiles.resolve(outside.toString(), scenario, dir.toString())).isPresent();
    assertThat(ConfinedFiles.resolve("link", scenario, dir.toString())).isPresent();
  }
}
