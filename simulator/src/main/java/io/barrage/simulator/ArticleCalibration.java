package io.barrage.simulator;

import io.barrage.simulator.engine.OfflineRun;
import java.time.Duration;
import java.util.List;

/**
 * The FastAPI-vs-TGI article ("Increase Llama 2's latency and throughput performance by up to 4x",
 * https://towardsdatascience.com/increase-llama-2s-latency-and-throughput-performance-by-up-to-4x-23034d781b8c)
 * as numbers, and the two simulator profiles fitted to them. The article measures,
 * per number of concurrent requests (all sent at once, one request each), a request's
 * <em>throughput</em> (its output tokens ÷ its latency, averaged over the requests: it falls as the
 * load rises in both stacks and is "about 2 tokens/s" at 300 × 256 tokens with latencies over 100
 * s) and its <em>latency</em> (the time to complete one whole inference, averaged: the article's
 * charts are "average" ones and it never mentions a percentile). Its two headline ratios come from
 * its "average improvement" charts: the per-level improvement of TGI over FastAPI, averaged over
 * the load levels. docs/simulator.md and ADR 0150 give the fit and the source of every parameter.
 */
public final class ArticleCalibration {
  /** The article's load levels (concurrent requests), as the preset runs them. */
  public static final List<Integer> LEVELS = List.of(1, 5, 10, 50, 100, 200, 300);
  /** The preset's prompt (96 characters) in the simulator's chars/4 tokens. */
  public static final int PROMPT_TOKENS = 24;
  /** "up to 4x": TGI's per-request throughput over FastAPI's, averaged over the load levels (128 tokens). */
  public static final double THROUGHPUT_RATIO = 4.0;
  /** "almost 5x": FastAPI's mean latency over TGI's, averaged over the load levels (128 tokens). */
  public static final double LATENCY_RATIO = 5.0;
  /** TGI at 300 concurrent × 256 new tokens: "about 2 tokens/second" per request. */
  public static final double COLLAPSE_TOKENS_PER_SECOND = 2.0;
  /** "over 100 seconds": FastAPI's latency at the top loads, TGI's at 300 × 256. */
  public static final double LONG_LATENCY_SECONDS = 100;
  /**
   * The client timeout the article implies: longer than every FastAPI request it reports as
   * answered (its latency "over 100 s" at the top load, no timeouts mentioned) and shorter than the
   * slowest TGI requests at 300 × 256 ("several requests timed out"). In the fitted model that
   * window is 114 s (the last request that must be answered) to 175 s (the ones that waited for KV
   * room); 150 s is the round value inside it that leaves the answered ones 24% to spare.
   */
  public static final Duration TIMEOUT = Duration.ofSeconds(150);
  /** How far a reproduced figure may be from the article's: ±25%. */
  public static final double TOLERANCE = 0.25;

  /**
   * FastAPI: a forward over B requests in flight costs 320 ms + 1.65 ms × B (no KV-read term), one
   * 30 ms prefill per forward that admits requests, 2 ms validation. The fixed 320 ms and the 1.65 ms
   * are fitted (average ratio 4.4 over the levels; latency 104 s at 300, under the timeout).
   */
  static final Profile.Timing FASTAPI_TIMING = new Profile.Timing(320_000, 1_650, 0, 30_000, 0.3, 2_000, 0);
  /**
   * TGI: 34 ms per decode step (hardware: 26 GB of weights over 2 × 448 GB/s), 1.1 µs per KV token
   * (hardware: 800 KiB of KV per token, half per shard), 1.9 ms per sequence (fitted: about 2
   * tokens/s per request at 300 × 256, and the slowest requests there well past the timeout), 8 ms + 1 µs/token prefill, 1 ms validation.
   */
  static final Profile.Timing TGI_TIMING = new Profile.Timing(34_000, 1_900, 1_100, 8_000, 1.0, 1_000, 0);
  /**
   * TGI's limits: 512 concurrent requests (the article's 300 timed out rather than being refused
   * with 429), a KV budget of 56,000 tokens (fitted: all 300 × 128 and 200 × 256 requests run in one
   * batch, 300 × 256 do not: 100 wait for room), max_input_tokens 1024, max_total_tokens 2048, 4096 prefill tokens.
   */
  static final Profile.Limits TGI_LIMITS = new Profile.Limits(512, 1024, 2048, 56_000, 4096, 10_000);

  private ArticleCalibration() {}

  /**
   * One load level of the article's experiment in virtual time.
   *
   * <p>Measured as a client with the article's {@link #TIMEOUT} measures: the means are over the
   * requests answered within it; the others count as timed out.
   *
   * @param meanTokensPerSecond per answered request: output tokens ÷ e2e, averaged
   * @param meanLatencySeconds e2e (send → last token), averaged over the answered requests
   * @param maxLatencySeconds the slowest request, answered or not (what the server took)
   * @param overTimeout requests whose e2e exceeds {@link #TIMEOUT}
   */
  public record Level(int concurrency, int maxNewTokens, double meanTokensPerSecond, double meanLatencySeconds,
      double maxLatencySeconds, int overTimeout) {}

  /**
   * The article's experiment against {@code profile} in virtual time: {@code concurrency} requests
   * of {@link #PROMPT_TOKENS} prompt tokens and {@code maxNewTokens} new tokens sent at once, one
   * each. Deterministic.
   */
  public static Level replay(Profile profile, int concurrency, int maxNewTokens) {
    List<OfflineRun.RequestTrace> rs = OfflineRun.run(profile,
        OfflineRun.Workload.closedLoop(concurrency, PROMPT_TOKENS, maxNewTokens)).requests();
    double rate = 0, latency = 0, max = 0;
    int over = 0;
    for (OfflineRun.RequestTrace r : rs) {
      double e2e = r.e2eNanos() / 1e9;
      max = Math.max(max, e2e);
      if (r.e2eNanos() > TIMEOUT.toNanos()) {
        over++;
        continue;
      }
      rate += r.tokens() / e2e;
      latency += e2e;
    }
    int answered = rs.size() - over;
    return new Level(concurrency, maxNewTokens, answered == 0 ? 0 : rate / answered, answered == 0 ? 0 : latency / answered, max, over);
  }

  /** Whether {@code measured} is within {@link #TOLERANCE} of {@code expected}. */
  public static boolean within(double measured, double expected) {
    return Math.abs(measured / expected - 1) <= TOLERANCE + 1e-9;
  }
}
