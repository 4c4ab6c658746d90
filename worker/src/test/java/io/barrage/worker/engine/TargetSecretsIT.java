package io.barrage.worker.engine;

import static io.barrage.worker.engine.EngineFixture.closed;
import static io.barrage.worker.engine.EngineFixture.requests;
import static io.barrage.worker.engine.EngineFixture.run;
import static io.barrage.worker.engine.EngineFixture.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.scenario.ApiKind;
import io.barrage.protocol.scenario.Auth;
import io.barrage.protocol.scenario.TargetSecrets;
import io.barrage.worker.engine.HeaderInjectionIT.RawListener;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scenario tries to send a worker's secret somewhere the deployment did not allow. Real listeners on
 * 127.0.0.1 (allowed) and 127.0.0.2 (foreign) record every header line that reaches them: the foreign
 * one never sees the secret, and the error names the variable and the host but not the value. The
 * test JVM has {@code BARRAGE_TEST_SECRET=s3cret-from-env} (set in the build).
 */
class TargetSecretsIT {
  static final String SECRET = "s3cret-from-env";
  static ActorSystem system;

  @BeforeAll
  static void up() {
    system = ActorSystem.create("target-secrets");
  }

  @AfterAll
  static void down() {
    system.terminate();
  }

  @TempDir Path dir;

  private static CellAggregate runWith(TargetSecrets policy, String url, Auth auth, Path baseDir) throws Exception {
    try (LoadEngine engine = new LoadEngine(system, EngineSettings.defaults().withTargetSecrets(policy))) {
      return run(engine, closed(target("t", ApiKind.TGI, url, auth, null, null), requests(1), 1, baseDir));
    }
  }

  private static final Auth FROM_ENV = new Auth(null, null, "BARRAGE_TEST_SECRET", null);

  @Test
  void aDeclaredSecretGoesToItsHostAndNeverToAForeignOne() throws Exception {
    assertThat(System.getenv("BARRAGE_TEST_SECRET")).as("set by the build").isEqualTo(SECRET);
    TargetSecrets policy = TargetSecrets.parse("BARRAGE_TEST_SECRET=127.0.0.1");
    try (RawListener allowed = new RawListener(InetAddress.getByName("127.0.0.1"));
        RawListener foreign = new RawListener(InetAddress.getByName("127.0.0.2"))) {
      Throwable refused = catchThrowable(() -> runWith(policy, foreign.baseUrl(), FROM_ENV, dir));
      assertThat(refused).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("BARRAGE_TEST_SECRET").hasMessageContaining("127.0.0.2")
          .hasMessageNotContaining(SECRET);

      CellAggregate a = runWith(policy, allowed.baseUrl(), FROM_ENV, dir);
      assertThat(a.errorCount()).isEqualTo(1); // the listener answers 503: the request went out
      assertThat(allowed.lines).contains("Authorization: Bearer " + SECRET);

      // the foreign listener was up (a request without auth reaches it), yet never saw the secret
      runWith(policy, foreign.baseUrl(), null, dir);
      assertThat(foreign.lines).anyMatch(l -> l.startsWith("POST "));
      assertThat(foreign.lines).noneMatch(l -> l.contains(SECRET) || l.startsWith("Authorization"));
    }
  }

  @Test
  void aHostPortBindingRefusesAnotherPortOnTheSameHost() throws Exception {
    try (RawListener allowed = new RawListener(InetAddress.getByName("127.0.0.1"));
        RawListener other = new RawListener(InetAddress.getByName("127.0.0.1"))) {
      TargetSecrets policy = TargetSecrets.parse("BARRAGE_TEST_SECRET=127.0.0.1:" + allowed.socket.getLocalPort());
      assertThatThrownBy(() -> runWith(policy, other.baseUrl(), FROM_ENV, dir))
          .hasMessageContaining("127.0.0.1:" + other.socket.getLocalPort()).hasMessageNotContaining(SECRET);
      runWith(policy, allowed.baseUrl(), FROM_ENV, dir);
      assertThat(allowed.lines).contains("Authorization: Bearer " + SECRET);
      assertThat(other.lines).noneMatch(l -> l.contains(SECRET));
    }
  }

  @Test
  void anUndeclaredVariableCannotBeNamed() throws Exception {
    try (RawListener listener = new RawListener()) {
      assertThatThrownBy(() -> runWith(TargetSecrets.parse("OTHER_KEY=127.0.0.1"), listener.baseUrl(), FROM_ENV, dir))
          .hasMessageContaining("BARRAGE_TEST_SECRET is not a declared target secret").hasMessageNotContaining(SECRET);
      // declared but empty: nothing may be named
      assertThatThrownBy(() -> runWith(TargetSecrets.parse(""), listener.baseUrl(), FROM_ENV, dir))
          .hasMessageContaining("not a declared target secret");
      assertThat(listener.lines).isEmpty();
    }
  }

  @Test
  void withNothingDeclaredSecretsGoOnlyToLoopback() throws Exception {
    TargetSecrets local = TargetSecrets.parse(null);
    try (RawListener listener = new RawListener()) {
      runWith(local, listener.baseUrl(), FROM_ENV, dir);
      assertThat(listener.lines).contains("Authorization: Bearer " + SECRET);
    }
    // a non-loopback host is refused before any connection is tried (TEST-NET-1, never reachable)
    assertThatThrownBy(() -> runWith(local, "http://192.0.2.1:8080", FROM_ENV, dir))
        .hasMessageContaining("192.0.2.1:8080").hasMessageContaining(TargetSecrets.ENV).hasMessageNotContaining(SECRET);
  }

  @Test
  void secretFilesOutsideTheScenarioDirectoryReadLikeMissingOnes() throws Exception {
    Path scenarioDir = Files.createDirectories(dir.resolve("scenario"));
    Files.writeString(dir.resolve("outside"), "elsewhere\n"); // exists, one level up
    Files.writeString(scenarioDir.resolve("key"), "inside\n");
    try (RawListener listener = new RawListener()) {
      String missing = message(() -> runWith(TargetSecrets.parse(null), listener.baseUrl(), new Auth(null, null, null, "nope"), scenarioDir));
      String dotdot = message(() -> runWith(TargetSecrets.parse(null), listener.baseUrl(), new Auth(null, null, null, "../outside"), scenarioDir));
      String absolute = message(() -> runWith(TargetSecrets.parse(null), listener.baseUrl(),
          new Auth(null, null, null, dir.resolve("outside").toString()), scenarioDir));
      assertThat(missing).isEqualTo("auth: secret file nope is not a readable file under the scenario directory or a directory in BARRAGE_FILE_DIRS");
      assertThat(dotdot).isEqualTo(missing.replace("nope", "../outside"));
      assertThat(absolute).isEqualTo(missing.replace("nope", dir.resolve("outside").toString()));
      assertThat(listener.lines).noneMatch(l -> l.contains("elsewhere"));
      runWith(TargetSecrets.parse(null), listener.baseUrl(), new Auth(null, null, null, "key"), scenarioDir);
      assertThat(listener.lines).contains("Authorization: Bearer inside");
    }
  }

  @Test
  void datasetsOutsideTheScenarioDirectoryReadLikeMissingOnes() throws Exception {
    Path scenarioDir = Files.createDirectories(dir.resolve("scenario"));
    Files.writeString(dir.resolve("outside.jsonl"), "{\"prompt\":\"a\"}\n");
    String missing = message(() -> PromptSource.of(new io.barrage.protocol.scenario.PromptSpec(null, "nope.jsonl", null), scenarioDir));
    String dotdot = message(() -> PromptSource.of(new io.barrage.protocol.scenario.PromptSpec(null, "../outside.jsonl", null), scenarioDir));
    String abs = dir.resolve("outside.jsonl").toString();
    String absolute = message(() -> PromptSource.of(new io.barrage.protocol.scenario.PromptSpec(null, abs, null), scenarioDir));
    assertThat(missing).isEqualTo("dataset nope.jsonl is not a readable file under the scenario directory or a directory in BARRAGE_FILE_DIRS");
    assertThat(dotdot).isEqualTo(missing.replace("nope.jsonl", "../outside.jsonl"));
    assertThat(absolute).isEqualTo(missing.replace("nope.jsonl", abs));
  }

  private static String message(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    Throwable t = catchThrowable(call);
    assertThat(t).isInstanceOf(IllegalArgumentException.class);
    return t.getMessage();
  }
}
