package io.barrage.worker.engine;

import static io.barrage.worker.engine.EngineFixture.*;
import static io.barrage.worker.engine.ScriptedServer.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.protocol.metrics.ErrorClass;
import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.scenario.ApiKind;
import io.barrage.protocol.scenario.Timeouts;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

/**
 * Every error class, each kept out of the latency histograms, none of them a crash of the engine;
 * over http here and over https in {@link ErrorClassesHttpsIT}.
 */
class ErrorClassesIT extends ScriptedEngineFixture {
  static final Timeouts SHORT = new Timeouts(Duration.ofMillis(400), Duration.ofMillis(400), Duration.ofSeconds(20));

  CellAggregate runRoute(String path, ApiKind api, Timeouts t, int requests) throws Exception {
    return run(engine, closed(target("t", api, server.baseUrl() + (api == ApiKind.FASTAPI ? path : "")), requests(requests, t), 1));
  }

  static void assertOnly(CellAggregate a, ErrorClass cls, long n) {
    assertThat(a.errors()).containsOnlyKeys(cls).containsEntry(cls, n);
    assertThat(a.ok()).isZero();
    // the generator's send lag and each new connection's connect time are not latencies of the request
    var notRequestLatency = java.util.EnumSet.of(io.barrage.protocol.metrics.Metric.SEND_LAG, io.barrage.protocol.metrics.Metric.CONNECT);
    for (var m : io.barrage.protocol.metrics.Metric.values()) {
      if (!notRequestLatency.contains(m)) assertThat(a.histogram(m).getTotalCount()).as(m.key()).isZero();
    }
  }

  @Test
  void nonSuccessStatusIsCountedWithItsStatus() throws Exception {
    server.routes.put("/generate_stream", r -> json(429, "{\"error\":\"Model is overloaded\",\"error_type\":\"overloaded\"}"));
    CellAggregate a = runRoute("/generate_stream", ApiKind.TGI_STREAM, QUICK, 2);
    assertOnly(a, ErrorClass.HTTP_STATUS, 2);
    assertThat(a.httpStatuses()).containsEntry(429, 2L);
  }

  @Test
  void refusedConnectionIsAConnectError() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    CellAggregate a = run(engine, closed(target("dead", ApiKind.TGI_STREAM, scheme() + "://127.0.0.1:" + port), requests(2), 1));
    assertOnly(a, ErrorClass.CONNECT, 2);
  }

  @Test
  void connectionDroppedMidStreamIsAReset() throws Exception {
    server.routes.put("/generate_stream", r -> sse(src(List.of(tgiToken(1), tgiToken(2)), Duration.ofMillis(10))
        .concat(Source.<ByteString>failed(new IllegalStateException("simulated disconnect")))));
    assertOnly(runRoute("/generate_stream", ApiKind.TGI_STREAM, QUICK, 2), ErrorClass.RESET, 2);
  }

  @Test
  void errorEventInsideTheStreamIsAStreamError() throws Exception {
    server.routes.put("/generate_stream", r -> sse(List.of(tgiToken(1),
        "data:{\"error\":\"Request failed during generation: boom\",\"error_type\":\"generation\"}\n\n"), Duration.ZERO));
    assertOnly(runRoute("/generate_stream", ApiKind.TGI_STREAM, QUICK, 2), ErrorClass.STREAM_ERROR, 2);
  }

  @Test
  void openAiErrorEventFollowedByDoneIsAStreamError() throws Exception {
    server.routes.put("/v1/chat/completions", r -> sse(List.of(
        "data:{\"error\":{\"message\":\"Model is overloaded\",\"http_status_code\":422}}\n\n", "data:[DONE]\n\n"), Duration.ZERO));
    assertOnly(runRoute("", ApiKind.OPENAI_CHAT, QUICK, 1), ErrorClass.STREAM_ERROR, 1);
  }

  @Test
  void streamEndingWithoutItsFinalEventIsTruncated() throws Exception {
    server.routes.put("/generate_stream", r -> sse(List.of(tgiToken(1), tgiToken(2)), Duration.ZERO));
    assertOnly(runRoute("/generate_stream", ApiKind.TGI_STREAM, QUICK, 2), ErrorClass.TRUNCATED, 2);
    server.routes.put("/v1/chat/completions", r -> sse(List.of(
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"finish_reason\":null}]}\n\n"), Duration.ZERO));
    assertOnly(runRoute("", ApiKind.OPENAI_CHAT, QUICK, 1), ErrorClass.TRUNCATED, 1);
  }

  @Test
  void malformedEventsAreAnErrorOfThatRequestAndTheEngineCarriesOn() throws Exception {
    server.routes.put("/generate_stream", r -> sse(List.of(tgiToken(1), "data:{\"token\":\n\n", tgiFinal(3, 3)), Duration.ZERO));
    assertOnly(runRoute("/generate_stream", ApiKind.TGI_STREAM, QUICK, 3), ErrorClass.MALFORMED, 3);
    server.routes.put("/generate", r -> json(200, "<html>oops</html>"));
    assertOnly(runRoute("/generate", ApiKind.TGI, QUICK, 1), ErrorClass.MALFORMED, 1);
    server.routes.put("/generate_stream", r -> sse(tgiStream(3), Duration.ZERO));
    assertThat(runRoute("/generate_stream", ApiKind.TGI_STREAM, QUICK, 2).ok()).isEqualTo(2);
  }

  @Test
  void noTokenWithinTheFirstTokenTimeout() throws Exception {
    server.routes.put("/generate_stream", r -> sse(Source.<ByteString>maybe()));
    assertOnly(runRoute("/generate_stream", ApiKind.TGI_STREAM, SHORT, 2), ErrorClass.FIRST_TOKEN_TIMEOUT, 2);
  }

  @Test
  void keepAliveCommentsDoNotCountAsTokensForTheFirstTokenTimeout() throws Exception {
    server.routes.put("/generate_stream", r -> sse(Source.repeat(ByteString.fromString(":\n\n")).flatMapConcat(
        c -> Source.single(c).initialDelay(Duration.ofMillis(50)))));
    assertOnly(runRoute("/generate_stream", ApiKind.TGI_STREAM, SHORT, 1), ErrorClass.FIRST_TOKEN_TIMEOUT, 1);
  }

  @Test
  void stallAfterSomeTokensIsAnIdleTimeout() throws Exception {
    server.routes.put("/generate_stream", r -> sse(src(List.of(tgiToken(1), tgiToken(2)), Duration.ZERO).concat(Source.maybe())));
    assertOnly(runRoute("/generate_stream", ApiKind.TGI_STREAM, SHORT, 2), ErrorClass.IDLE_TIMEOUT, 2);
  }

  @Test
  void anIdleTimeoutShorterThanTheFirstTokenTimeoutFiresAtTheIdleDeadline() throws Exception {
    // the timeout scan only visits a connection when its earliest possible expiry comes: the first
    // token must bring that forward from the first-token deadline (30 s; the connect check at 10 s)
    // to the idle one (300 ms)
    Timeouts t = new Timeouts(Duration.ofSeconds(30), Duration.ofMillis(300), Duration.ofSeconds(60));
    server.routes.put("/generate_stream", r -> sse(src(List.of(tgiToken(1)), Duration.ZERO).concat(Source.maybe())));
    List<io.barrage.worker.client.RequestTrace> traces = new java.util.concurrent.CopyOnWriteArrayList<>();
    engine.onRequest(traces::add);
    try {
      assertOnly(runRoute("/generate_stream", ApiKind.TGI_STREAM, t, 1), ErrorClass.IDLE_TIMEOUT, 1);
    } finally {
      engine.onRequest(null);
    }
    assertThat(traces).hasSize(1);
    long idleMs = (traces.get(0).tEnd - traces.get(0).tLast) / 1_000_000L;
    assertThat(idleMs).as("time from the token to the timeout").isBetween(300L, 5_000L);
  }

  @Test
  void aStreamThatNeverEndsHitsTheTotalTimeout() throws Exception {
    Timeouts t = new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(700));
    server.routes.put("/generate_stream", r -> sse(Source.range(1, 100_000).map(i -> ByteString.fromString(tgiToken(i)))
        .flatMapConcat(c -> Source.single(c).initialDelay(Duration.ofMillis(20)))));
    assertOnly(runRoute("/generate_stream", ApiKind.TGI_STREAM, t, 1), ErrorClass.TOTAL_TIMEOUT, 1);
  }

  @Test
  void aWholeResponseThatNeverComesHitsTheFirstTokenTimeout() throws Exception {
    server.routes.put("/generate", r -> org.apache.pekko.http.javadsl.model.HttpResponse.create().withEntity(
        org.apache.pekko.http.javadsl.model.HttpEntities.createChunked(
            org.apache.pekko.http.javadsl.model.ContentTypes.APPLICATION_JSON, Source.<ByteString>maybe())));
    assertOnly(runRoute("/generate", ApiKind.TGI, SHORT, 1), ErrorClass.FIRST_TOKEN_TIMEOUT, 1);
  }
}
