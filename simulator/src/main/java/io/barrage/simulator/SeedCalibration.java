package io.barrage.simulator;

import io.barrage.simulator.engine.OfflineRun;
import java.time.Duration;
import java.util.List;

/**
 * Derives a continuous-batching timing model from the SageMaker benchmark's figures ("Llama 2 on
 * Amazon SageMaker a Benchmark", https://huggingface.co/blog/llama-sagemaker-benchmark):
 * each row gives, at a concurrency c, the median latency per token T (e2e / tokens) and the
 * throughput X (tokens/s). The derivation assumes the calibration workload ({@link #PROMPT_TOKENS}
 * prompt tokens, {@link #NEW_TOKENS} new tokens, c closed-loop streams) and the engine's own step
 * model; the calibration test then checks the running engine against the seed within 10%.
 *
 * <pre>
 *   e2e ≈ V + d(c)/2 + n·d(c) + c·prefill(P)     (V validation, d/2 mean wait for the next step,
 *                                                   c prefills of the batch land in one request's span)
 *   T = e2e / n                                 → d(c) = (n·T − V − c·prefill(P)) / (n + ½)
 *   X = c·n / (e2e + tail)                      → tail = c·n/X − n·T   (clamped at 0; with two rows,
 *                                                  the one tail that balances their relative errors)
 * </pre>
 *
 * For the skewed row, a short request (m tokens) sees only its own prefill: V = m·T − m·d − prefill(P),
 * with d = 0.3·T, and the tail follows from the token-weighted throughput of the 3:2 mix.
 *
 * With two rows of one configuration (c = 1 and c = 20) the decode model is solved exactly
 * (base and per-sequence slope); with one row the slope is fixed at 2% of the base per sequence.
 * A row whose throughput is far above c/T (the 13B p4d row: X·T/c = 2.25) cannot come from equal
 * requests; there a skewed length mix (3 of 5 requests end early with EOS) reproduces both figures.
 */
public final class SeedCalibration {
  public static final int PROMPT_TOKENS = 64;
  public static final int NEW_TOKENS = 128;
  static final double VALIDATION_MICROS = 1_000;
  static final double PREFILL_BASE_MICROS = 2_000;
  static final int EARLY_EVERY = 5;
  static final int EARLY_COUNT = 3;
  static final int EARLY_TOKENS = 8;

  private SeedCalibration() {}

  /**
   * One row of the seed tables.
   *
   * @param concurrency concurrent requests
   * @param msPerToken median latency, ms/token
   * @param tokensPerSecond throughput
   */
  public record SeedRow(int concurrency, double msPerToken, double tokensPerSecond) {}

  /**
   * What a profile does at a seed row's concurrency in virtual time.
   *
   * @param msPerToken median e2e / tokens of the requests sent in the measurement window
   * @param tokensPerSecond tokens emitted in the window per second
   * @param requests requests sent in the window
   */
  public record Replayed(double msPerToken, double tokensPerSecond, int requests) {}

  /** Requests per client that the warm-up lasts (the streams start together and settle). */
  static final int WARMUP_REQUESTS = 3;
  /** Requests per client that the measurement window lasts. */
  static final int WINDOW_REQUESTS = 30;

  /**
   * Drives {@code profile} with the calibration workload at {@code row}'s concurrency in virtual
   * time ({@link OfflineRun}): {@code c} closed-loop streams of {@value #PROMPT_TOKENS} prompt
   * tokens and {@value #NEW_TOKENS} new tokens, started over one seed latency so that they do not
   * march in lock-step, a warm-up of {@value #WARMUP_REQUESTS} requests per stream, then a window
   * of {@value #WINDOW_REQUESTS}. Deterministic: the same profile gives the same figures.
   */
  public static Replayed replay(Profile profile, SeedRow row) {
    double requestMs = NEW_TOKENS * row.msPerToken() + profile.timing().tailMicros() / 1000;
    long warmup = Math.round(WARMUP_REQUESTS * requestMs * 1e6);
    long end = warmup + Math.round(WINDOW_REQUESTS * requestMs * 1e6);
    OfflineRun.Workload w = OfflineRun.Workload.closedLoop(row.concurrency(), PROMPT_TOKENS, NEW_TOKENS)
        .forDuration(Duration.ofNanos(end))
        .startSpread(Duration.ofNanos(Math.round(row.msPerToken() * 1e6)));
    OfflineRun.Summary s = OfflineRun.run(profile, w).summarize(warmup, end);
    return new Replayed(s.medianMsPerToken(), s.tokensPerSecond(), s.requests());
  }

  /** The result: timing plus the output model that goes with it. */
  public record Calibrated(Profile.Timing timing, Profile.OutputModel output) {}

  /**
   * @param prefillMicrosPerToken compute per prompt token (2 × params FLOPs / (GPUs × peak × MFU))
   */
  public static Calibrated calibrate(List<SeedRow> rows, double prefillMicrosPerToken) {
    double n = NEW_TOKENS;
    double pre = PREFILL_BASE_MICROS + prefillMicrosPerToken * PROMPT_TOKENS;
    SeedRow first = rows.get(0);
    double ratio = first.tokensPerSecond() * first.msPerToken() / 1000.0 / first.concurrency();
    if (rows.size() == 1 && ratio > 1.1) {
      return skewed(first, prefillMicrosPerToken, pre);
    }
    double[] d = new double[rows.size()];
    double tailSum = 0;
    for (int i = 0; i < rows.size(); i++) {
      SeedRow r = rows.get(i);
      double t = r.msPerToken() * 1000;
      d[i] = (n * t - VALIDATION_MICROS - r.concurrency() * pre) / (n + 0.5);
      tailSum += Math.max(0, r.concurrency() * n / r.tokensPerSecond() * 1e6 - n * t);
    }
    double base;
    double perSeq;
    if (rows.size() >= 2) {
      SeedRow a = rows.get(0);
      SeedRow b = rows.get(1);
      perSeq = (d[1] - d[0]) / (b.concurrency() - a.concurrency());
      base = d[0] - perSeq * a.concurrency();
    } else {
      base = d[0] / (1 + 0.02 * first.concurrency());
      perSeq = 0.02 * base;
    }
    Profile.Timing timing = new Profile.Timing(base, perSeq, 0, PREFILL_BASE_MICROS, prefillMicrosPerToken,
        VALIDATION_MICROS, balancedTail(rows, tailSum / rows.size()));
    return new Calibrated(timing, Profile.OutputModel.FULL_LENGTH);
  }

  /**
   * One tail for several rows: the value in [0, 2 × mean] that minimizes the largest relative
   * throughput error over the rows, X(t) = c·n / (n·T + t).
   */
  static double balancedTail(List<SeedRow> rows, double mean) {
    if (rows.size() == 1) return mean;
    double best = mean;
    double bestErr = Double.MAX_VALUE;
    for (int i = 0; i <= 400; i++) {
      double t = 2 * mean * i / 400.0;
      double err = 0;
      for (SeedRow r : rows) {
        double x = r.concurrency() * NEW_TOKENS / ((NEW_TOKENS * r.msPerToken() * 1000 + t) / 1e6);
        err = Math.max(err, Math.abs(x / r.tokensPerSecond() - 1));
      }
      if (err < bestErr) {
        bestErr = err;
        best = t;
      }
    }
    return best;
  }

  private static Calibrated skewed(SeedRow r, double prefillMicrosPerToken, double pre) {
    double t = r.msPerToken() * 1000;
    double c = r.concurrency();
    double m = EARLY_TOKENS;
    double n = NEW_TOKENS;
    double f = (double) EARLY_COUNT / EARLY_EVERY;
    double d = 0.3 * t;
    // a short request spans only m steps: it sees its own prefill, hardly anyone else's
    double validation = m * t - d * m - pre;
    double e2eShort = m * t;
    double e2eLong = validation + d * (n + 0.5) + c * pre;
    double tokens = f * m + (1 - f) * n;
    double tail = Math.max(0, c * tokens / r.tokensPerSecond() * 1e6 - (f * e2eShort + (1 - f) * e2eLong));
    double base = d / (1 + 0.02 * c);
    Profile.Timing timing = new Profile.Timing(base, 0.02 * base, 0, PREFILL_BASE_MICROS, prefillMicrosPerToken,
        validation, tail);
    return new Calibrated(timing, new Profile.OutputModel(EARLY_EVERY, EARLY_COUNT, EARLY_TOKENS, 100));
  }
}
