package io.barrage.worker.engine;

import static io.barrage.worker.engine.EngineFixture.*;
import static io.barrage.worker.engine.ScriptedServer.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.scenario.ApiKind;
import io.barrage.protocol.scenario.Auth;
import io.barrage.protocol.scenario.Timeouts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.pekko.http.javadsl.model.headers.Connection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The NIO client's connection handling: keep-alive per virtual user, reconnects, limits. */
class ConnectionReuseIT extends ScriptedEngineFixture {

  @Test
  void eachVirtualUserKeepsOneConnectionForAllItsRequests() throws Exception {
    server.routes.put("/ka/generate_stream", r -> sse(tgiStream(3), Duration.ZERO));
    int before = server.accepted.get();
    CellAggregate a = run(engine, closed(target("ka", ApiKind.TGI_STREAM, server.baseUrl() + "/ka"), requests(60), 3));
    assertThat(a.ok()).isEqualTo(60);
    assertThat(server.accepted.get() - before).as("3 users, 3 connections, 60 requests").isEqualTo(3);
  }

  @Test
  void aServerThatClosesAfterEachResponseGetsAFreshConnectionForTheNext() throws Exception {
    server.routes.put("/generate", r -> json(200, "{\"generated_text\":\"a b\",\"details\":{\"generated_tokens\":2}}")
        .addHeader(Connection.create("close")));
    int before = server.accepted.get();
    CellAggregate a = run(engine, closed(target("cl", ApiKind.TGI, server.baseUrl()), requests(5), 1));
    assertThat(a.errors()).isEmpty();
    assertThat(a.ok()).isEqualTo(5);
    assertThat(server.accepted.get() - before).isEqualTo(5);
  }

  @Test
  void aTimedOutRequestClosesItsConnectionAndTheUserCarriesOnWithANewOne() throws Exception {
    Timeouts t = new Timeouts(Duration.ofMillis(300), Duration.ofSeconds(5), Duration.ofSeconds(20));
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    server.routes.put("/to/generate_stream", r -> calls.incrementAndGet() == 1
        ? sse(org.apache.pekko.stream.javadsl.Source.maybe())
        : sse(tgiStream(2), Duration.ZERO));
    int before = server.accepted.get();
    CellAggregate a = run(engine, closed(target("to", ApiKind.TGI_STREAM, server.baseUrl() + "/to"), requests(4, t), 1));
    assertThat(a.errors()).containsOnlyKeys(io.barrage.protocol.metrics.ErrorClass.FIRST_TOKEN_TIMEOUT);
    assertThat(a.ok()).isEqualTo(3);
    assertThat(server.accepted.get() - before).isEqualTo(2);
  }

  @Test
  void aSecretWithALineBreakIsRefusedWithoutPrintingIt(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("token"), "abc\r\nX-Injected: 1\n");
    Auth auth = new Auth(null, null, null, "token");
    RunningStep s = engine.start(closed(target("inj", ApiKind.TGI_STREAM, server.baseUrl(), auth, null, null), requests(1), 1, dir));
    assertThat(s.done().toCompletableFuture()).failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withMessageContaining("control character")
        .withMessageNotContaining("abc");
  }
}
