package io.barrage.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.barrage.simulator.engine.OfflineRun;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The FastAPI-vs-TGI article's two servers behave as the article found, in kind, in virtual time:
 * at 30 concurrent requests of 128 tokens, continuous batching on 2×A4000 gives several-fold the
 * tokens/s of the naive server on one A100, whose latency grows with its queue.
 */
class ArticleProfilesTest {
  /** "Explain what a GPU does in one paragraph." is 41 characters: 11 tokens. */
  static final int PROMPT_TOKENS = 11;

  @Test
  void tgiOnTwoA4000sOutrunsTheNaiveServerOnOneA100UnderConcurrency() {
    double naive = tokensPerSecond(Profiles.FASTAPI_A100, 30);
    double tgi = tokensPerSecond(Profiles.TGI_2XA4000, 30);
    System.out.printf(Locale.ROOT, "article | c=30 | naive %.1f tok/s | tgi %.1f tok/s | ratio %.1f%n", naive, tgi, tgi / naive);
    assertThat(tgi / naive).isGreaterThan(4);
    // alone, the A100 is about as fast per token as the two A4000s (36 vs 34 ms per decode step)
    assertThat(tokensPerSecond(Profiles.FASTAPI_A100, 1) / tokensPerSecond(Profiles.TGI_2XA4000, 1)).isBetween(0.8, 1.0);
  }

  @Test
  void singleRequestLatencyIsComparableButTheNaiveQueueMakesTheLastWaitForAllOthers() {
    Profile p = Profiles.get(Profiles.FASTAPI_A100);
    long single = OfflineRun.run(p, OfflineRun.Workload.closedLoop(1, PROMPT_TOKENS, 128)).requests().get(0).e2eNanos();
    OfflineRun.Result thirty = OfflineRun.run(p, OfflineRun.Workload.closedLoop(30, PROMPT_TOKENS, 128));
    long lastE2e = thirty.requests().stream().mapToLong(OfflineRun.RequestTrace::e2eNanos).max().orElseThrow();
    // all 30 were sent at once; the last one served waited for the 29 before it
    assertThat((double) lastE2e / single).isCloseTo(30, within(0.1));
    // on TGI the same 30 share the batch: the slowest takes barely longer than one alone
    Profile tgi = Profiles.get(Profiles.TGI_2XA4000);
    long tgiSingle = OfflineRun.run(tgi, OfflineRun.Workload.closedLoop(1, PROMPT_TOKENS, 128)).requests().get(0).e2eNanos();
    long tgiLast = OfflineRun.run(tgi, OfflineRun.Workload.closedLoop(30, PROMPT_TOKENS, 128)).requests().stream()
        .mapToLong(OfflineRun.RequestTrace::e2eNanos).max().orElseThrow();
    assertThat((double) tgiLast / tgiSingle).isBetween(1.0, 1.5);
  }

  private static double tokensPerSecond(String profile, int concurrency) {
    OfflineRun.Result r = OfflineRun.run(Profiles.get(profile), OfflineRun.Workload.closedLoop(concurrency, PROMPT_TOKENS, 128));
    return r.totalTokens() / (r.endNanos() / 1e9);
  }
}
