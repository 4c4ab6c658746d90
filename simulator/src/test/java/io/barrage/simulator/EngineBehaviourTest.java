package io.barrage.simulator;

import static org.assertj.core.api.Assertions.assertThat;

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

/** How the two engines share the simulated GPU, observed through real HTTP requests and the truth log. */
class EngineBehaviourTest {

  @Test
  void naiveServerFinishesConcurrentRequestsOneAfterAnother() throws Exception {
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(Profiles.FASTAPI_FAST))) {
      String body = "{\"inputs\":\"hello\",\"parameters\":{\"max_new_tokens\":40,\"details\":true}}";
      // one warm request alone gives the single-request service time
      Load.closedLoop(s.baseUrl() + "/generate", body, 1, 5, Duration.ofSeconds(30));
      TruthRecord alone = s.truth().get("req-4").orElseThrow();
      double single = alone.tokenNanos()[39] - alone.arrivalNanos();
      s.truth().clear();
      List<Load.Sample> samples = Load.closedLoop(s.baseUrl() + "/generate", body, 300, 1, Duration.ofSeconds(60));
      assertThat(samples).hasSize(300).allSatisfy(x -> assertThat(x.status()).isEqualTo(200));
      List<TruthRecord> truth = s.truth().all().stream()
          .sorted(Comparator.comparingLong(r -> r.tokenNanos()[0])).collect(Collectors.toList());
      assertThat(truth).hasSize(300);
      // strictly serial: nobody's first token before the previous request's last token
      for (int i = 1; i < truth.size(); i++) {
        long[] prev = truth.get(i - 1).tokenNanos();
        assertThat(truth.get(i).tokenNanos()[0]).isGreaterThan(prev[prev.length - 1]);
      }
      TruthRecord last = truth.get(299);
      long firstArrival = truth.stream().mapToLong(TruthRecord::arrivalNanos).min().orElseThrow();
      double makespan = last.tokenNanos()[39] - firstArrival;
      assertThat(makespan / single).isBetween(270.0, 330.0);
    }
  }

  @Test
  void batchingThroughputGrowsWithConcurrencyUntilTheKvBudgetBindsThenQueueTimeGrows() throws Exception {
    Profile base = Profiles.get(Profiles.TGI_FAST);
    // every request reserves 1 prompt + 20 new tokens = 21 KV tokens; the budget holds 16 of them
    Profile p = base.withTiming(new Profile.Timing(5_000, 50, 0, 200, 0.5, 20, 0))
        .withLimits(new Profile.Limits(1000, 1000, 2048, 16 * 21, 4096, 10_000));
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(p))) {
      String body = "{\"inputs\":\"x\",\"parameters\":{\"max_new_tokens\":20}}";
      Level l1 = level(s, body, 1);
      Level l4 = level(s, body, 4);
      Level l16 = level(s, body, 16);
      Level l48 = level(s, body, 48);
      assertThat(l4.tokensPerSecond / l1.tokensPerSecond).isGreaterThan(2.0);
      assertThat(l16.tokensPerSecond / l4.tokensPerSecond).isGreaterThan(2.0);
      // past 16 the KV budget binds: the batch never grows beyond 16, so tokens/s cannot pass what a
      // full batch of 16 makes (16 tokens per 5.8 ms step), and the extra load waits in the queue
      assertThat(s.stats().maxBatchSize()).isEqualTo(16);
      double fullBatchCap = 16 / 0.0058;
      assertThat(l48.tokensPerSecond).isLessThan(1.05 * fullBatchCap);
      assertThat(l48.medianTtftMs).isGreaterThan(5 * l16.medianTtftMs);
      assertThat(s.stats().maxInFlight()).isGreaterThanOrEqualTo(48);
    }
  }

  record Level(double tokensPerSecond, double medianTtftMs) {}

  private static Level level(SimulatorServer s, String body, int c) throws Exception {
    s.truth().clear();
    long t0 = System.nanoTime();
    List<Load.Sample> samples = Load.closedLoop(s.baseUrl() + "/generate", body, c, 4, Duration.ofSeconds(60));
    long t1 = System.nanoTime();
    assertThat(samples).allSatisfy(x -> assertThat(x.status()).isEqualTo(200));
    double tps = samples.size() * 20 / ((t1 - t0) / 1e9);
    List<Long> ttft = s.truth().all().stream().map(TruthRecord::ttftNanos).sorted().collect(Collectors.toList());
    return new Level(tps, ttft.get(ttft.size() / 2) / 1e6);
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
      Awaits.until(Duration.ofSeconds(30), () -> s.stats().inFlight() == 128);
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
      Awaits.until(Duration.ofSeconds(30), () -> s.stats().inFlight() == 0);
    }
  }
}
