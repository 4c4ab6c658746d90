package io.barrage.simulator.engine;

import io.barrage.simulator.Profile;

/**
 * One validated generation request as the engine sees it.
 *
 * @param inputTokens prompt length in tokens
 * @param outputTokens tokens it will generate, EOS included when {@code endsWithEos}
 * @param reserveTokens KV tokens to reserve for it (prompt + its segment of new tokens)
 * @param endsWithEos whether the last token is EOS (finish reason eos_token) rather than the length limit
 * @param seed seeds the token texts
 * @param faults where this request's injected faults strike
 */
public record GenRequest(
    int inputTokens, int outputTokens, long reserveTokens, boolean endsWithEos, long seed, RequestFaults faults) {

  /** TGI v3 cuts long generations into segments of this many new tokens; the KV reservation covers one. */
  public static final int SEGMENT = 1024;

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
    int contextLeft = profile.limits().maxTotalTokens() - inputTokens;
    int tokens = Math.max(1, profile.output().tokensFor(ordinal, maxNewTokens, contextLeft));
    boolean eos = maxNewTokens == null || tokens < maxNewTokens;
    int segment = maxNewTokens == null ? Math.min(contextLeft, SEGMENT) : Math.min(maxNewTokens, SEGMENT);
    return new GenRequest(inputTokens, tokens, inputTokens + (long) Math.max(segment, 1), eos, seed, faults);
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
