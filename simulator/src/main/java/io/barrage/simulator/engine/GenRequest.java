package io.barrage.simulator.engine;

import io.barrage.simulator.Profile;

/**
 * One validated generation request as the engine sees it.
 *
 * @param inputTokens prompt length in tokens
 * @param outputTokens tokens it will generate in all its segments, EOS included when {@code endsWithEos}
 * @param requestedTokens the new tokens the client asked for ({@code max_new_tokens}, or for "auto" what is
 *     left of the context): each segment reserves KV for at most {@link #SEGMENT} of them
 * @param endsWithEos whether the last token is EOS (finish reason eos_token) rather than the length limit
 * @param seed seeds the token texts
 * @param faults where this request's injected faults strike
 * @param cachedTokens prompt tokens found in the prefix cache: the first prefill computes only the rest
 */
public record GenRequest(
    int inputTokens, int outputTokens, int requestedTokens, boolean endsWithEos, long seed, RequestFaults faults,
    int cachedTokens) {

  /** A request none of whose prompt is in the prefix cache. */
  public GenRequest(int inputTokens, int outputTokens, int requestedTokens, boolean endsWithEos, long seed, RequestFaults faults) {
    this(inputTokens, outputTokens, requestedTokens, endsWithEos, seed, faults, 0);
  }

  /** This request with {@code cached} of its prompt tokens found in the prefix cache (see {@link PrefixCache}). */
  public GenRequest withCachedTokens(int cached) {
    return new GenRequest(inputTokens, outputTokens, requestedTokens, endsWithEos, seed, faults, cached);
  }

  /** TGI v3 cuts long generations into segments of this many new tokens; the KV reservation covers one. */
  public static final int SEGMENT = 1024;

  /** KV tokens the first segment reserves: the prompt + {@code min(requested, 1024)}. */
  public long reserveTokens() {
    return reserveTokens(0);
  }

  /**
   * KV tokens the segment that starts after {@code generated} tokens reserves: its prompt (the
   * original one plus everything generated so far) + {@code min(what is left of the request, 1024)}.
   */
  public long reserveTokens(int generated) {
    return inputTokens + (long) generated + Math.max(1, Math.min(requestedTokens - generated, SEGMENT));
  }

  /**
   * The request a profile's server makes of a validated one, the same for the HTTP routes and the
   * offline driver: how many tokens it generates (the profile's output model, by arrival ordinal),
   * whether it ends with EOS, and the KV tokens it reserves.
   *
   * @param ordinal arrival order on this server, from 0
   * @param maxNewTokens requested new tokens, null for "auto"
   */
  public static GenRequest of(Profile profile, long ordinal, int inputTokens, Integer maxNewTokens, long seed,
      RequestFaults faults) {
    Profile.Limits limits = profile.limits();
    int contextLeft = limits.maxTotalTokens() - inputTokens;
    int tokens = Math.max(1, profile.output().tokensFor(ordinal, maxNewTokens, contextLeft));
    boolean eos = maxNewTokens == null || tokens < maxNewTokens;
    int requested = Math.max(1, maxNewTokens == null ? contextLeft : maxNewTokens);
    // Each segment after the first is re-validated with the generated text appended to the prompt
    // (docs/protocols.md §8): when that prompt is too long, generation stops there with "length".
    for (int generated = SEGMENT; generated < tokens; generated += SEGMENT) {
      int prompt = inputTokens + generated;
      int segment = Math.min(requested - generated, SEGMENT);
      if (prompt + segment > limits.maxTotalTokens() || prompt > limits.maxInputTokens()) {
        tokens = generated;
        eos = false;
        break;
      }
    }
    return new GenRequest(inputTokens, tokens, requested, eos, seed, faults);
  }

  /** The token-text seed of the {@code ordinal}-th request on a server seeded with {@code serverSeed}. */
  public static long seedFor(long serverSeed, long ordinal) {
    return serverSeed * 0x9E3779B97F4A7C15L + ordinal;
  }

  /**
   * Per-request fault decisions (token positions are 1-based; 0 = none).
   *
   * @param failAtOnce fail with a generation error before the first token
   * @param errorAfter send an error after this many tokens
   * @param stallAfter stall for {@code stallNanos} after this many tokens
   * @param stallNanos how long the stall lasts (real nanoseconds)
   * @param disconnectAfter drop the connection after this many tokens
   */
  public record RequestFaults(boolean failAtOnce, int errorAfter, int stallAfter, long stallNanos, int disconnectAfter) {
    public static final RequestFaults NONE = new RequestFaults(false, 0, 0, 0, 0);
  }
}
