package io.barrage.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.data.Percentage.withPercentage;
import static org.awaitility.Awaitility.await;

import io.barrage.simulator.engine.OfflineRun;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * How the two engines share the simulated GPU. The scheduling rules are checked in virtual time
 * ({@link OfflineRun}), where they are exact and do not depend on the machine's load; the live
 * server is checked for what does not depend on speed: refusals past {@code max_concurrent_requests},
 * serving order, and that real time never runs ahead of the model.
 */
class EngineBehaviourTest {

  @Test
  void naiveServerFinishesConcurrentRequestsOneAfterAnother() {
    Profile p = Profiles.get(Profiles.FASTAPI_FAST);
    OfflineRun.RequestTrace alone = OfflineRun.run(p, OfflineRun.Workload.closedLoop(1, 16, 128)).requests().get(0);
    OfflineRun.Result r = OfflineRun.run(p, OfflineRun.Workload.closedLoop(300, 16, 128));
    assertThat(r.requests()).hasSize(300).allSatisfy(t -> assertThat(t.submitNanos()).isZero());
    assertThat(r.maxBatchSize()).isEqualTo(1);
    // FIFO, one at a time: each request starts where the previous one ended, in arrival order
    for (int i = 1; i < 300; i++) {
      OfflineRun.RequestTrace prev = r.requests().get(i - 1);
      OfflineRun.RequestTrace next = r.requests().get(i);
      assertThat(next.admittedNanos()).as("request %d admitted", i).isEqualTo(prev.lastTokenNanos());
      assertThat(next.e2eNanos() - prev.e2eNanos()).as("request %d waits one more service time", i)
          .isEqualTo(alone.e2eNanos() - alone.queueNanos());
    }
    // the last one's latency is 300 single requests' (less the 299 validations that overlapped)
    double last = r.requests().get(299).e2eNanos();
    assertThat(last / alone.e2eNanos()).isCloseTo(300, within(0.5));
  }

  @Test
  void batchingThroughputGrowsWithConcurrencyUntilTheKvBudgetBindsThenQueueTimeGrows() {
    // 2x A4000 as the hardware alone sets it (34 ms step, 0.15 ms per sequence, 1.1 us per KV token) with the
    // 5,000-token KV budget its memory leaves: a request of 16 prompt + 128 new tokens reserves 144, so 34 fit
    Profile p = Profiles.get(Profiles.TGI_2XA4000)
        .withTiming(new Profile.Timing(34_000, 150, 1_100, 8_000, 1.0, 1_000, 0))
        .withLimits(new Profile.Limits(128, 1024, 2048, 5_000, 4096, 10_000));
    OfflineRun.Summary l1 = level(p, 1);
    OfflineRun.Summary l8 = level(p, 8);
    OfflineRun.Summary l32 = level(p, 32);
    OfflineRun.Summary l64 = level(p, 64);
    OfflineRun.Summary l128 = level(p, 128);
    assertThat(l8.tokensPerSecond()).isGreaterThan(6 * l1.tokensPerSecond());
    assertThat(l32.tokensPerSecond()).isGreaterThan(3 * l8.tokensPerSecond());
    // no queue while the batch has room
    assertThat(l32.medianQueueMs()).isEqualTo(l1.medianQueueMs());
    // past 34 the budget binds: the batch stops growing, tokens/s stays at a full batch's ...
    assertThat(OfflineRun.run(p, OfflineRun.Workload.closedLoop(128, 16, 128).requests(4)).maxBatchSize()).isEqualTo(34);
    assertThat(l64.tokensPerSecond()).isCloseTo(l32.tokensPerSecond(), withPercentage(5));
    assertThat(l128.tokensPerSecond()).isCloseTo(l32.tokensPerSecond(), withPercentage(5));
    // ... and the extra load waits in the queue, longer the more there is
    assertThat(l64.medianQueueMs()).isGreaterThan(100 * l32.medianQueueMs());
    assertThat(l128.medianQueueMs()).isGreaterThan(2.5 * l64.medianQueueMs());
    assertThat(l128.medianTtftMs()).isGreaterThan(l64.medianTtftMs());
  }

  private static OfflineRun.Summary level(Profile p, int clients) {
    OfflineRun.Result r = OfflineRun.run(p, OfflineRun.Workload.closedLoop(clients, 16, 128).requests(4));
    System.out.printf(java.util.Locale.ROOT, "batching | c=%d | %.1f tok/s | median queue %.1f ms | batch %d%n", clients,
        r.summarize(0, r.endNanos()).tokensPerSecond(), r.summarize(0, r.endNanos()).medianQueueMs(), r.maxBatchSize());
    return r.summarize(0, r.endNanos());
  }

  /**
   * The one live timing check, bounded only from below so that a loaded machine cannot fail it: a
   * naive server serves concurrent requests strictly one after another, and no token is ever
   * emitted before the virtual-time model says it can be.
   */
  @Test
  void liveNaiveServerServesInOrderAndNeverAheadOfTheModel() throws Exception {
    Profile p = Profiles.get(Profiles.FASTAPI_FAST);
    String body = "{\"inputs\":\"" + "x".repeat(64) + "\",\"parameters\":{\"max_new_tokens\":40,\"details\":true}}";
    OfflineRun.RequestTrace model = OfflineRun.run(p, OfflineRun.Workload.closedLoop(1, 16, 40)).requests().get(0);
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(p))) {
      List<Load.Sample> one = Load.closedLoop(s.baseUrl() + "/generate", body, 1, 3, Duration.ofSeconds(60));
      assertThat(one).hasSize(3).allSatisfy(x -> assertThat(x.status()).isEqualTo(200));
      for (TruthRecord alone : s.truth().all()) {
        assertThat(alone.tokenNanos()).hasSize(40);
        for (int i = 0; i < 40; i++) {
          assertThat(alone.tokenNanos()[i] - alone.arrivalNanos()).as("token %d of %s", i + 1, alone.id())
              .isGreaterThanOrEqualTo(model.tokenNanos()[i] - model.submitNanos());
        }
      }
      s.truth().clear();
      List<Load.Sample> samples = Load.closedLoop(s.baseUrl() + "/generate", body, 30, 1, Duration.ofSeconds(60));
      assertThat(samples).hasSize(30).allSatisfy(x -> assertThat(x.status()).isEqualTo(200));
      List<TruthRecord> truth = s.truth().all().stream()
          .sorted(Comparator.comparingLong(r -> r.tokenNanos()[0])).collect(Collectors.toList());
      assertThat(truth).hasSize(30);
      for (int i = 1; i < truth.size(); i++) {
        long[] prev = truth.get(i - 1).tokenNanos();
        assertThat(truth.get(i).tokenNanos()[0]).as("first token of the %d-th served", i + 1).isGreaterThan(prev[prev.length - 1]);
      }
      assertThat(s.stats().maxBatchSize()).isEqualTo(1);
    }
  }

  @Test
  void request129AgainstMaxConcurrent128IsRefusedAsTgiRefusesIt() throws Exception {
    Profile p = Profiles.get(Profiles.TGI_FAST).withTiming(new Profile.Timing(20_000, 0, 0, 100, 0, 0, 0));
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(p))) {
      List<CompletableFuture<HttpResponse<InputStream>>> open = new ArrayList<>();
      String body = "{\"inputs\":\"x\",\"parameters\":{\"max_new_tokens\":1000}}";
      for (int i = 0; i < 128; i++) {
        open.add(Http.CLIENT.sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create(s.baseUrl() + "/generate_stream"))
            .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
            HttpResponse.BodyHandlers.ofInputStream()));
      }
      await("128 requests in flight").atMost(Duration.ofSeconds(30)).until(() -> s.stats().inFlight() == 128);
      HttpResponse<String> refused = Http.post(s.baseUrl() + "/generate", body);
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.body()).isEqualTo("{\"error\":\"Model is overloaded\",\"error_type\":\"overloaded\"}");
      HttpResponse<InputStream> refusedStream = Http.postStream(s.baseUrl() + "/generate_stream", body);
      assertThat(refusedStream.statusCode()).isEqualTo(200);
      try (InputStream in = refusedStream.body()) {
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
            .isEqualTo("data:{\"error\":\"Model is overloaded\",\"error_type\":\"overloaded\"}\n\n");
      }
      HttpResponse<String> chat = Http.post(s.baseUrl() + "/v1/chat/completions",
          "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"stream\":true}");
      assertThat(chat.body()).isEqualTo("data:{\"error\":{\"message\":\"Model is overloaded\",\"http_status_code\":422}}\n\ndata:[DONE]\n\n");
      assertThat(s.stats().rejected429()).isEqualTo(3);
      assertThat(s.stats().inFlight()).isEqualTo(128);
      for (CompletableFuture<HttpResponse<InputStream>> f : open) f.join().body().close();
      await("no request in flight").atMost(Duration.ofSeconds(30)).until(() -> s.stats().inFlight() == 0);
    }
  }
}
