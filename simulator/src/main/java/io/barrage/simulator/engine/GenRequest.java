package io.barrage.simulator.engine;

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
