package io.barrage.worker.engine;

import static io.barrage.worker.engine.EngineFixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.barrage.protocol.metrics.ErrorClass;
import io.barrage.protocol.metrics.Metric;
import io.barrage.protocol.metrics.UnreachableSpan;
import io.barrage.protocol.plan.Load;
import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.scenario.ApiKind;
import io.barrage.protocol.scenario.PromptSpec;
import io.barrage.protocol.scenario.StepSpec;
import io.barrage.simulator.Profiles;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import io.barrage.simulator.http.ConnectionPolicy;
import io.barrage.simulator.http.ConnectionPolicy.AfterStream;
import io.barrage.worker.client.RequestTrace;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The NIO client's connection lifecycle against the real simulator imitating real servers' habits:
 * closing after every stream (with and without saying so), a tiny listen backlog, a target that
 * refuses connections or goes away for a while. Every count is checked against the simulator's own:
 * every request it answered is ok, no request it never saw is an error. {@link
 * ConnectionLifecycleHttpsIT} runs the same over https.
 */
class ConnectionLifecycleIT extends SchemeFixture {
  ActorSystem system;
  LoadEngine engine;
  final Queue<RequestTrace> traces = new ConcurrentLinkedQueue<>();
  final AtomicLong refusals = new AtomicLong();

  @BeforeAll
  void up() {
    system = ActorSystem.create("lifecycle-it");
    engine = new LoadEngine(system, engineSettings());
    engine.onRequest(t -> {
      traces.add(t);
      if (t.error == ErrorClass.CONNECT) refusals.incrementAndGet();
    });
  }

  @AfterAll
  void down() {
    engine.close();
    system.terminate();
  }

  SimulatorServer simulator(AfterStream after, int backlog) {
    return simulator(SimulatorConfig.loopback(Profiles.TGI_FAST).withConnections(new ConnectionPolicy(after, backlog)));
  }

  StepRequest streams(SimulatorServer s, String name, int requests, int users) {
    return closed(target(name, ApiKind.TGI_STREAM, s.baseUrl()), requests(requests), users);
  }

  @ParameterizedTest(name = "{0} close after each stream, {1} users")
  @CsvSource({"SILENT, 1", "SILENT, 4", "SILENT, 16", "ANNOUNCED, 1", "ANNOUNCED, 4", "ANNOUNCED, 16"})
  void aServerThatClosesAfterEveryStreamCostsNoRequest(AfterStream after, int users) throws Exception {
    try (SimulatorServer s = simulator(after, 4096)) {
      int n = 20 * users;
      CellAggregate a = run(engine, streams(s, "close-" + after + "-" + users, n, users));
      assertThat(a.errors()).as("requests the server never saw are not errors").isEmpty();
      assertThat(a.ok()).isEqualTo(n).isEqualTo(s.stats().requestsSucceeded());
      assertThat(s.stats().requestsReceived()).as("each request reached the server once").isEqualTo(n);
      assertThat(a.histogram(Metric.CONNECT).getTotalCount()).as("one connect sample per new connection")
          .isEqualTo(s.stats().connectionsAccepted()).isEqualTo(n);
      if (after == AfterStream.ANNOUNCED) assertThat(a.retries()).as("Connection: close is honoured, nothing to retry").isZero();
      assertThat(a.retries()).isLessThanOrEqualTo(n);
    }
  }

  @Test
  void keepAliveConnectionsAreOneConnectSampleEachAndSendIsAfterConnect() throws Exception {
    try (SimulatorServer s = simulator(AfterStream.KEEP, 4096)) {
      traces.clear();
      CellAggregate a = run(engine, streams(s, "keep", 30, 3));
      assertThat(a.ok()).isEqualTo(30);
      assertThat(a.histogram(Metric.CONNECT).getTotalCount()).isEqualTo(3).isEqualTo(s.stats().connectionsAccepted());
      assertThat(a.retries()).isZero();
      List<RequestTrace> opened = traces.stream().filter(t -> t.connectEnd >= 0).toList();
      assertThat(opened).hasSize(3);
      for (RequestTrace t : opened) {
        assertThat(t.connectStart).isLessThanOrEqualTo(t.connectEnd);
        assertThat(t.tSend).as("tSend is the first byte written, after the connect").isGreaterThanOrEqualTo(t.connectEnd);
        assertThat(t.tSend - t.tSched).as("the connect is in the send lag").isGreaterThanOrEqualTo(t.connectEnd - t.connectStart);
      }
      for (RequestTrace t : traces) {
        var truth = s.truth().get(t.id).orElseThrow();
        assertThat(t.tSend).as("sent before the server read it").isLessThanOrEqualTo(truth.arrivalNanos());
      }
    }
  }

  @Test
  void aTinyBacklogAndABurstOfReconnectsInventNoErrors() throws Exception {
    try (SimulatorServer s = simulator(AfterStream.SILENT, 1)) {
      int n = 16 * 15;
      CellAggregate a = run(engine, streams(s, "backlog", n, 16));
      assertThat(a.errors()).isEmpty();
      assertThat(a.ok()).isEqualTo(n).isEqualTo(s.stats().requestsSucceeded());
      assertThat(a.histogram(Metric.CONNECT).getTotalCount()).isEqualTo(s.stats().connectionsAccepted());
    }
  }

  /** A port nothing listens on (a simulator's, after it closed). */
  int deadPort() {
    SimulatorServer s = simulator(AfterStream.KEEP, 4096);
    int port = s.port();
    s.close();
    return port;
  }

  @Test
  void aRefusingTargetGetsBackedOffAttemptsAndTheReportSaysWhy() throws Exception {
    int port = deadPort();
    var w = workload(new PromptSpec("hello there", null, null), new StepSpec(null, Duration.ofSeconds(3), null), QUICK);
    long before = System.currentTimeMillis();
    CellAggregate a = run(engine, closed(target("down", ApiKind.TGI_STREAM, scheme() + "://127.0.0.1:" + port), w, 4));
    long after = System.currentTimeMillis();
    assertThat(a.ok()).isZero();
    assertThat(a.errors()).containsOnlyKeys(ErrorClass.CONNECT);
    long attempts = a.errors().get(ErrorClass.CONNECT);
    // the back-off's shortest waits (half of 10, 20, ... ms, then 0.5 s each) allow at most 14 attempts per user in 3 s
    assertThat(attempts).as("bounded by the back-off, not by the generator's speed").isBetween(4L * 6, 4L * 14);
    assertThat(a.errorMessages().get(ErrorClass.CONNECT)).contains("Connection refused");
    List<UnreachableSpan> spans = a.unreachable();
    assertThat(spans).hasSize(1);
    assertThat(spans.get(0).failedAttempts()).isEqualTo(attempts);
    assertThat(spans.get(0).startEpochMs()).isBetween(before, before + 500);
    assertThat(spans.get(0).endEpochMs()).isBetween(after - 1_500, after);
    assertThat(a.histogram(Metric.SEND_LAG).getTotalCount()).as("nothing was written, so no send lag").isZero();
  }

  @Test
  void openLoopArrivalsTryOnceEachOnSchedule() throws Exception {
    int port = deadPort();
    var rate = new Load.Rate(40, null);
    CellAggregate a = run(engine, open(target("down-open", ApiKind.TGI_STREAM, scheme() + "://127.0.0.1:" + port), requests(30), rate, 0, 1, 30, null));
    assertThat(a.errors()).containsExactly(java.util.Map.entry(ErrorClass.CONNECT, 30L));
    assertThat(a.unreachable()).hasSize(1);
    assertThat(a.unreachable().get(0).failedAttempts()).isEqualTo(30);
  }

  @Test
  void anOutageIsOneUnreachableSpanFromTheFirstRefusalToTheReconnect() throws Exception {
    SimulatorServer first = simulator(AfterStream.KEEP, 4096);
    int port = first.port();
    refusals.set(0);
    traces.clear();
    var w = workload(new PromptSpec("hello there", null, null), new StepSpec(null, Duration.ofSeconds(5), null), QUICK);
    StepRequest r = closed(target("outage", ApiKind.TGI_STREAM, scheme() + "://127.0.0.1:" + port), w, 4);
    CompletableFuture<CellAggregate> run = CompletableFuture.supplyAsync(() -> {
      try {
        return EngineFixture.run(engine, r);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException(e);
      }
    }, task -> new Thread(task, "outage-step").start()); // a blocking wait: not on the shared common pool
    await("20 requests answered by the first server").atMost(Duration.ofSeconds(30)).until(() -> first.stats().requestsSucceeded() >= 20);
    long answeredBefore;
    long killedAt = System.currentTimeMillis();
    long killedNanos = System.nanoTime();
    first.close();
    answeredBefore = first.stats().requestsSucceeded();
    await("8 connections refused during the outage").atMost(Duration.ofSeconds(30)).until(() -> refusals.get() >= 8);
    long backAt = System.currentTimeMillis(); // nothing can connect before the new server binds
    SimulatorServer second = simulator(new SimulatorConfig("127.0.0.1", port, first.profile(), null, 1));
    try {
      CellAggregate a = run.get(60, TimeUnit.SECONDS); // beyond the 30 s total timeout that bounds every request
      assertThat(a.ok()).isEqualTo(answeredBefore + second.stats().requestsSucceeded());
      // a request whose connection was still in its TLS handshake when the server went away is a tls error
      long cutOff = a.errors().getOrDefault(ErrorClass.RESET, 0L) + a.errors().getOrDefault(ErrorClass.TRUNCATED, 0L)
          + a.errors().getOrDefault(ErrorClass.TLS, 0L);
      assertThat(cutOff).as(() -> "at most the requests in flight when the server went away; cut: " + cut(killedNanos)).isLessThanOrEqualTo(4);
      assertThat(a.errors().keySet()).as(() -> "error classes of an outage; messages: " + a.errorMessages() + "; cut: " + cut(killedNanos))
          .isSubsetOf(ErrorClass.CONNECT, ErrorClass.RESET, ErrorClass.TRUNCATED, ErrorClass.TLS);
      List<UnreachableSpan> spans = a.unreachable();
      assertThat(spans).hasSize(1);
      UnreachableSpan span = spans.get(0);
      // the recorder's wall clock is an anchor plus nanoTime: allow it a few ms against currentTimeMillis
      assertThat(span.startEpochMs()).isBetween(killedAt - 5, backAt + 5);
      // the back-off is capped at 1 s; the reconnect also needs its TCP (and TLS) handshake, which a
      // loaded 2-core machine can stretch to a second or more
      assertThat(span.endEpochMs()).as("the first reconnect, within a capped back-off of the restart").isBetween(backAt - 5, backAt + 3_000);
      assertThat(span.failedAttempts()).isEqualTo(a.errors().get(ErrorClass.CONNECT));
      assertThat(a.errorMessages().get(ErrorClass.CONNECT)).contains("Connection refused");
    } finally {
      second.close();
    }
  }

  /** The cut requests, times in ms relative to the server's close, for a failure message. */
  String cut(long zero) {
    StringBuilder b = new StringBuilder();
    for (RequestTrace t : traces) {
      if (t.error == null || t.error == ErrorClass.CONNECT) continue;
      b.append(String.format("%n  %s %s '%s' sched=%s send=%s connect=%s..%s first=%s end=%s retries=%d", t.id, t.error, t.errorDetail,
          ms(t.tSched, zero), ms(t.tSend, zero), ms(t.connectStart, zero), ms(t.connectEnd, zero), ms(t.tFirst, zero), ms(t.tEnd, zero), t.retries));
    }
    return b.toString();
  }

  static String ms(long nanos, long zero) {
    return nanos < 0 ? "-" : String.format("%+.1f", (nanos - zero) / 1e6);
  }
}
