package io.barrage.worker.engine;

import static io.barrage.worker.engine.EngineFixture.closed;
import static io.barrage.worker.engine.EngineFixture.requests;
import static io.barrage.worker.engine.EngineFixture.run;
import static io.barrage.worker.engine.EngineFixture.target;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.scenario.ApiKind;
import io.barrage.protocol.scenario.Auth;
import io.barrage.protocol.scenario.InvalidScenarioException;
import io.barrage.protocol.scenario.ScenarioLoader;
import io.barrage.protocol.scenario.ScenarioProblem;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scenario that puts CR/LF into {@code auth.scheme} or {@code auth.header} tries to add headers of
 * its own to every request. A raw listener on loopback records every header line that arrives: the
 * injected one never does, and the validator names the field before any worker sees it.
 */
class HeaderInjectionIT {

  /** Records every request head line; answers 503 and closes (the head is all these tests need). */
  static final class RawListener implements AutoCloseable {
    final Queue<String> lines = new ConcurrentLinkedQueue<>();
    final ServerSocket socket;
    final Thread acceptor;

    RawListener() throws IOException {
      this(InetAddress.getLoopbackAddress());
    }

    RawListener(InetAddress address) throws IOException {
      socket = new ServerSocket(0, 50, address);
      acceptor = new Thread(() -> {
        while (!socket.isClosed()) {
          try (Socket s = socket.accept()) {
            s.setSoTimeout(5_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) lines.add(line);
            OutputStream out = s.getOutputStream();
            out.write("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
          } catch (IOException e) {
            // closed listener or a client that went away: next connection
          }
        }
      }, "raw-listener");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    String baseUrl() {
      return "http://" + socket.getInetAddress().getHostAddress() + ":" + socket.getLocalPort();
    }

    @Override
    public void close() throws Exception {
      socket.close();
      acceptor.join(5_000);
    }
  }

  static ActorSystem system;
  static LoadEngine engine;

  @BeforeAll
  static void up() {
    system = ActorSystem.create("header-injection");
    engine = new LoadEngine(system, EngineSettings.defaults());
  }

  @AfterAll
  static void down() {
    engine.close();
    system.terminate();
  }

  @TempDir Path dir;

  /** The secret file's name, relative to {@link #dir} (the step's base directory). */
  private Path secret() throws IOException {
    Files.writeString(dir.resolve("key"), "s3cret\n");
    return Path.of("key");
  }

  @Test
  void aCleanCustomHeaderArrivesAsWritten() throws Exception {
    try (RawListener listener = new RawListener()) {
      Auth auth = new Auth("X-Api-Key", "Token", null, secret().toString());
      CellAggregate a = run(engine, closed(target("t", ApiKind.TGI, listener.baseUrl(), auth, null, null), requests(1), 1, dir));
      assertThat(a.errorCount()).isEqualTo(1); // the listener answers 503
      assertThat(listener.lines).contains("X-Api-Key: Token s3cret");
    }
  }

  @Test
  void lineBreaksInTheSchemeOrHeaderNameNeverReachTheServer() throws Exception {
    Path key = secret();
    Auth[] attacks = {
      new Auth(null, "Bearer\r\nX-Injected: yes", null, key.toString()),
      new Auth("X-Api-Key: a\r\nX-Injected", null, null, key.toString()),
      new Auth(null, "Bearer\nX-Injected: yes\n", null, key.toString()),
    };
    try (RawListener listener = new RawListener()) {
      for (Auth attack : attacks) {
        assertThatThrownBy(() -> run(engine, closed(target("t", ApiKind.TGI, listener.baseUrl(), attack, null, null), requests(1), 1, dir)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("auth:")
            .hasMessageNotContaining("s3cret");
      }
      // a clean request afterwards shows the listener was listening all along
      run(engine, closed(target("t", ApiKind.TGI, listener.baseUrl()), requests(1), 1, dir));
      assertThat(listener.lines).anyMatch(l -> l.startsWith("POST "));
      assertThat(listener.lines).noneMatch(l -> l.contains("X-Injected"));
    }
  }

  @Test
  void theValidatorNamesTheFieldBeforeAnyWorkerSeesIt() {
    String yaml = """
        name: inject
        targets:
          - name: a
            api: tgi
            url: http://127.0.0.1:9
            auth: {env: KEY, scheme: "Bearer\\r\\nX-Injected: yes", header: "X-Key\\nX-Injected"}
        workload: {prompt: {text: hi}, maxNewTokens: [8], load: {concurrency: [1]}, step: {requests: 1}}
        """;
    InvalidScenarioException e = org.assertj.core.api.Assertions.catchThrowableOfType(() -> ScenarioLoader.parse(yaml, null),
        InvalidScenarioException.class);
    assertThat(e.problems()).extracting(ScenarioProblem::path).contains("targets[0].auth.scheme", "targets[0].auth.header");
    assertThat(e.problems()).extracting(ScenarioProblem::message).anyMatch(m -> m.contains("'Bearer\\r\\nX-Injected: yes'"));
  }
}
