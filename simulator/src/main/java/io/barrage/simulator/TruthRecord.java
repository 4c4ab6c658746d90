package io.barrage.simulator;

import java.util.Arrays;

/**
 * What really happened to one request, on the simulator's monotonic clock ({@link System#nanoTime()}).
 * Compare a load generator's measurements with these: TTFT ≈ {@code tokenNanos[0] - arrivalNanos},
 * inter-token gaps = differences of {@code tokenNanos}.
 *
 * @param id the client's {@code X-Barrage-Request-Id}
 * @param route the path it was sent to
 * @param arrivalNanos when the request reached the route (body read)
 * @param headersNanos when the response headers were handed to the HTTP layer (0 if never)
 * @param tokenNanos when each token's bytes were handed to the connection (streaming), or generated (non-streaming)
 * @param endNanos when the response ended (last byte handed over, or the stream was torn down)
 * @param tokens number of tokens the server generated (its own count, EOS included)
 * @param outcome {@code ok}, {@code error:<type>}, {@code rejected:<status>}, {@code cancelled} or {@code disconnect}
 * @param promptTokens the prompt's length in the simulator's tokenizer (all prompts of a several-prompt
 *     completions request together), −1 when the request was refused before its body was parsed
 * @param cachedTokens of those, found in the server's prefix cache (not computed again)
 * @param prompt the prompt text as the engine saw it (a chat request's messages with their role
 *     markers); only in records kept in memory, null in the file and for refused requests
 */
public record TruthRecord(
    String id, String route, long arrivalNanos, long headersNanos, long[] tokenNanos, long endNanos, int tokens, String outcome,
    int promptTokens, int cachedTokens, String prompt) {

  /** A record without a prompt length. */
  public TruthRecord(String id, String route, long arrivalNanos, long headersNanos, long[] tokenNanos, long endNanos, int tokens,
      String outcome) {
    this(id, route, arrivalNanos, headersNanos, tokenNanos, endNanos, tokens, outcome, -1);
  }

  /** A record with a prompt length, none of it cached. */
  public TruthRecord(String id, String route, long arrivalNanos, long headersNanos, long[] tokenNanos, long endNanos, int tokens,
      String outcome, int promptTokens) {
    this(id, route, arrivalNanos, headersNanos, tokenNanos, endNanos, tokens, outcome, promptTokens, 0, null);
  }

  /** Prompt tokens the engine computed: the prompt less what its prefix cache held. */
  public int evaluatedPromptTokens() {
    return promptTokens - cachedTokens;
  }

  /** Time to first token as the server emitted it, in nanoseconds (-1 without tokens). */
  public long ttftNanos() {
    return tokenNanos.length == 0 ? -1 : tokenNanos[0] - arrivalNanos;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TruthRecord r && id.equals(r.id) && route.equals(r.route) && arrivalNanos == r.arrivalNanos
        && headersNanos == r.headersNanos && Arrays.equals(tokenNanos, r.tokenNanos) && endNanos == r.endNanos
        && tokens == r.tokens && outcome.equals(r.outcome) && promptTokens == r.promptTokens;
  }

  @Override
  public int hashCode() {
    return id.hashCode() * 31 + Long.hashCode(arrivalNanos);
  }

  @Override
  public String toString() {
    return "TruthRecord[id=" + id + ", route=" + route + ", tokens=" + tokens + ", outcome=" + outcome + ", promptTokens=" + promptTokens + "]";
  }
}
