package io.barrage.simulator;

import java.time.Duration;
import java.util.Objects;

/**
 * One simulated serving stack: which API it speaks, which engine schedules it, its timing model,
 * its limits, how long its outputs are and which faults it injects. Profiles are immutable; the
 * {@code withX} methods return modified copies (tests use them to speed a profile up or to inject
 * faults).
 *
 * @param name fixed profile name (see {@link Profiles})
 * @param description one line for {@code barrage simulate --list}
 * @param api the routes served: TGI (TGI native + OpenAI) or FASTAPI (the naive {@code /generate})
 * @param engine how requests are scheduled onto the simulated GPU(s)
 * @param modelId reported by {@code /info} and as the OpenAI {@code model}
 * @param computeType the {@code x-compute-type} header, e.g. {@code 2-nvidia-rtx-a4000}
 * @param timing the step-time model (all values at real speed; divided by {@code timeScale})
 * @param limits TGI's launcher limits
 * @param output how many tokens a request generates when it is not cut by {@code max_new_tokens}
 * @param faults injected failures
 * @param timeScale divides every simulated duration (1 = real speed; 10 = ten times faster)
 * @param keepAlive silence after which a {@code :} comment is sent on an SSE stream (TGI: 15 s)
 */
public record Profile(
    String name,
    String description,
    Api api,
    EngineKind engine,
    String modelId,
    String computeType,
    Timing timing,
    Limits limits,
    OutputModel output,
    Faults faults,
    double timeScale,
    Duration keepAlive) {

  /** The HTTP surface of a profile. */
  public enum Api {
    /** TGI native routes plus the OpenAI-compatible routes, as TGI v3 serves them. */
    TGI,
    /** A FastAPI app wrapping a model: {@code POST /generate} (TGI body and response shape) and {@code /health}. */
    FASTAPI
  }

  /** How requests share the simulated GPU(s). */
  public enum EngineKind {
    /** One request at a time, FIFO, no batching (a FastAPI wrapper around {@code model.generate}). */
    NAIVE,
    /** TGI v3 continuous batching: FIFO queue, KV budget, prefill budget, mixed prefill+decode steps. */
    CONTINUOUS_BATCHING
  }

  public Profile {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(timing, "timing");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(faults, "faults");
    Objects.requireNonNull(keepAlive, "keepAlive");
    if (!(timeScale > 0)) throw new IllegalArgumentException("timeScale must be > 0, got " + timeScale);
  }

  /**
   * The step-time model, in microseconds at real speed (see docs/simulator.md).
   *
   * <p>decode step = {@code decodeBaseMicros + decodePerSeqMicros × B + decodePerKvTokenNanos × ΣL / 1000};
   * prefill = {@code prefillBaseMicros + prefillPerTokenMicros × P}; a mixed step costs both.
   *
   * @param decodeBaseMicros one decode forward with an empty batch: launch overhead + weight read + TP communication
   * @param decodePerSeqMicros extra per sequence in the batch (sampling, per-sequence compute)
   * @param decodePerKvTokenNanos extra per token of context held by the batch (KV-cache reads)
   * @param prefillBaseMicros fixed cost of a forward that prefills
   * @param prefillPerTokenMicros compute per prompt token
   * @param validationMicros per request, before it is queued (tokenization, validation, router overhead)
   * @param tailMicros per request, after its last token and before its response ends (invocation overhead)
   */
  public record Timing(
      double decodeBaseMicros,
      double decodePerSeqMicros,
      double decodePerKvTokenNanos,
      double prefillBaseMicros,
      double prefillPerTokenMicros,
      double validationMicros,
      double tailMicros) {

    /** Decode step time in microseconds for {@code batch} sequences holding {@code kvTokens} tokens. */
    public double decodeMicros(int batch, long kvTokens) {
      if (batch == 0) return 0;
      return decodeBaseMicros + decodePerSeqMicros * batch + decodePerKvTokenNanos * kvTokens / 1000.0;
    }

    /** Prefill time in microseconds for {@code promptTokens} uncached prompt tokens. */
    public double prefillMicros(long promptTokens) {
      if (promptTokens == 0) return 0;
      return prefillBaseMicros + prefillPerTokenMicros * promptTokens;
    }
  }

  /**
   * TGI's launcher limits (docs/protocols.md §4).
   *
   * @param maxConcurrentRequests in flight (queued + running) before 429; 0 = unlimited (FastAPI)
   * @param maxInputTokens longest prompt
   * @param maxTotalTokens prompt + new tokens of one request
   * @param maxBatchTotalTokens the KV budget of the running batch, in tokens
   * @param maxBatchPrefillTokens prompt tokens one forward may prefill
   * @param maxBatchSize requests in the running batch (1 for the naive engine)
   */
  public record Limits(
      int maxConcurrentRequests,
      int maxInputTokens,
      int maxTotalTokens,
      long maxBatchTotalTokens,
      long maxBatchPrefillTokens,
      int maxBatchSize) {}

  /**
   * Output lengths. A request generates {@code max_new_tokens} tokens (finish reason {@code length})
   * unless it is one of the requests that the model ends early with EOS. Without {@code max_new_tokens}
   * ("auto"), it generates {@code autoTokens} tokens and ends with EOS.
   *
   * @param earlyEosEvery of every {@code earlyEosEvery} requests (by arrival order) ...
   * @param earlyEosCount ... this many end with EOS after {@code earlyEosTokens} tokens (0 = never)
   * @param earlyEosTokens length of the early-ending requests, EOS included
   * @param autoTokens length when {@code max_new_tokens} is not given, EOS included
   */
  public record OutputModel(int earlyEosEvery, int earlyEosCount, int earlyEosTokens, int autoTokens) {
    public static final OutputModel FULL_LENGTH = new OutputModel(1, 0, 0, 100);

    /** Tokens a request generates (EOS included) and whether it ends with EOS. */
    public int tokensFor(long ordinal, Integer maxNewTokens, int contextLeft) {
      int limit = maxNewTokens == null ? Math.min(autoTokens, contextLeft) : maxNewTokens;
      if (maxNewTokens == null) return Math.max(1, limit);
      if (earlyEosCount > 0 && (ordinal % earlyEosEvery) < earlyEosCount && earlyEosTokens < limit) {
        return earlyEosTokens;
      }
      return limit;
    }
  }

  /**
   * Injected faults; every rate is a probability per request, drawn from the server's seeded random
   * sequence, so a run with the same seed and arrival order injects the same faults.
   *
   * @param errorRate the request fails at once with a generation error (424, or an error event when streaming)
   * @param midStreamErrorRate the request fails with an error event after {@code faultAfterTokens} tokens
   * @param stallRate the request stalls (no bytes) for {@code stall} after {@code faultAfterTokens} tokens
   * @param stall how long a stall lasts
   * @param disconnectRate the server drops the connection after {@code faultAfterTokens} tokens
   * @param faultAfterTokens where mid-stream faults strike
   * @param slowHeaders delay before response headers go out (every request)
   * @param countOffset added to every token count the server reports ({@code details.generated_tokens},
   *     {@code usage.completion_tokens}) while the tokens sent stay as they are: a server that miscounts
   */
  public record Faults(
      double errorRate,
      double midStreamErrorRate,
      double stallRate,
      Duration stall,
      double disconnectRate,
      int faultAfterTokens,
      Duration slowHeaders,
      int countOffset) {
    public static final Faults NONE = new Faults(0, 0, 0, Duration.ZERO, 0, 1, Duration.ZERO);

    /** Counts told truthfully. */
    public Faults(double errorRate, double midStreamErrorRate, double stallRate, Duration stall, double disconnectRate,
        int faultAfterTokens, Duration slowHeaders) {
      this(errorRate, midStreamErrorRate, stallRate, stall, disconnectRate, faultAfterTokens, slowHeaders, 0);
    }

    /** The same faults, with every reported token count off by {@code offset}. */
    public Faults withCountOffset(int offset) {
      return new Faults(errorRate, midStreamErrorRate, stallRate, stall, disconnectRate, faultAfterTokens, slowHeaders, offset);
    }

    public boolean any() {
      return errorRate > 0 || midStreamErrorRate > 0 || stallRate > 0 || disconnectRate > 0 || !slowHeaders.isZero() || countOffset != 0;
    }
  }

  public Profile withTimeScale(double scale) {
    return new Profile(name, description, api, engine, modelId, computeType, timing, limits, output, faults, scale, keepAlive);
  }

  public Profile withKeepAlive(Duration period) {
    return new Profile(name, description, api, engine, modelId, computeType, timing, limits, output, faults, timeScale, period);
  }

  public Profile withFaults(Faults f) {
    return new Profile(name, description, api, engine, modelId, computeType, timing, limits, output, f, timeScale, keepAlive);
  }

  public Profile withLimits(Limits l) {
    return new Profile(name, description, api, engine, modelId, computeType, timing, l, output, faults, timeScale, keepAlive);
  }

  public Profile withTiming(Timing t) {
    return new Profile(name, description, api, engine, modelId, computeType, t, limits, output, faults, timeScale, keepAlive);
  }

  public Profile withOutput(OutputModel o) {
    return new Profile(name, description, api, engine, modelId, computeType, timing, limits, o, faults, timeScale, keepAlive);
  }

  /** Converts simulated microseconds to real nanoseconds under this profile's time scale. */
  public long scaledNanos(double micros) {
    return Math.round(micros * 1000.0 / timeScale);
  }
}
