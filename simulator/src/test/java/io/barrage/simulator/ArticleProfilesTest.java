package io.barrage.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The FastAPI-vs-TGI article's two servers behave as the article found, in kind: at 30 concurrent
 * requests of 128 tokens, continuous batching on 2×A4000 gives several-fold the tokens/s of the
 * naive server on one A100, whose latency grows with its queue. Run 20× faster than real time.
 */
class ArticleProfilesTest {
  static final double SCALE = 20;
  static final String BODY = "{\"inputs\":\"Explain what a GPU does in one paragraph.\",\"parameters\":{\"max_new_tokens\":128}}";

  @Test
  void tgiOnTwoA4000sOutrunsTheNaiveServerOnOneA100UnderConcurrency() throws Exception {
    double naive = tokensPerSecond(Profiles.FASTAPI_A100, 30);
    double tgi = tokensPerSecond(Profiles.TGI_2XA4000, 30);
    System.out.printf(java.util.Locale.ROOT, "article | c=30 | naive %.1f tok/s | tgi %.1f tok/s | ratio %.1f%n", naive, tgi, tgi / naive);
    assertThat(tgi / naive).isGreaterThan(4);
  }

  @Test
  void singleRequestLatencyIsComparableButTheNaiveQueueMakesTheLastWaitForAllOthers() throws Exception {
    Profile p = Profiles.get(Profiles.FASTAPI_A100).withTimeScale(SCALE);
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(p))) {
      Load.closedLoop(s.baseUrl() + "/generate", BODY, 1, 2, Duration.ofSeconds(30));
      TruthRecord alone = s.truth().get("req-1").orElseThrow();
      long single = alone.tokenNanos()[127] - alone.arrivalNanos();
      s.truth().clear();
      Load.closedLoop(s.baseUrl() + "/generate", BODY, 30, 1, Duration.ofSeconds(60));
      // all 30 were sent at once; the last one served waited for the 29 before it (server-side truth)
      long firstArrival = s.truth().all().stream().mapToLong(TruthRecord::arrivalNanos).min().orElseThrow();
      long lastToken = s.truth().all().stream().mapToLong(t -> t.tokenNanos()[127]).max().orElseThrow();
      assertThat((double) (lastToken - firstArrival) / single).isBetween(27.0, 33.0);
    }
  }

  private static double tokensPerSecond(String profile, int concurrency) throws Exception {
    Profile p = Profiles.get(profile).withTimeScale(SCALE);
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(p))) {
      long t0 = System.nanoTime();
      List<Load.Sample> samples = Load.closedLoop(s.baseUrl() + "/generate", BODY, concurrency, 1, Duration.ofSeconds(60));
      double seconds = (System.nanoTime() - t0) / 1e9 * SCALE;
      assertThat(samples).allSatisfy(x -> assertThat(x.status()).isEqualTo(200));
      return samples.size() * 128 / seconds;
    }
  }
}
