package io.barrage.worker.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.barrage.common.json.Mappers;
import io.barrage.protocol.metrics.ErrorClass;
import io.barrage.protocol.scenario.Target;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * One wire protocol of the design's {@code api} kinds: where to POST, what body to send, and how to
 * read what comes back, either event by event (streaming) or as one body. Implementations are
 * stateless and shared by every request of a step; per-request state lives in {@link RequestTrace}.
 */
public abstract class ApiClient {
  static final ObjectMapper JSON = Mappers.strict();

  private final URI uri;
  private final String model;

  protected ApiClient(URI uri, String model) {
    this.uri = uri;
    this.model = model;
  }

  /** The client for a target's {@code api} kind. */
  public static ApiClient of(Target t) {
    return switch (t.api()) {
      case TGI_STREAM -> new TgiClient(endpoint(t.url(), "/generate_stream"), t.model(), true);
      case TGI -> new TgiClient(endpoint(t.url(), "/generate"), t.model(), false);
      case OPENAI_CHAT -> new OpenAiClient(endpoint(t.url(), "/v1/chat/completions"), t.model(), true, t.streaming(), t.stack());
      case OPENAI_COMPLETIONS -> new OpenAiClient(endpoint(t.url(), "/v1/completions"), t.model(), false, t.streaming(), t.stack());
      case FASTAPI -> new FastapiClient(URI.create(t.url()), t.model(), t.fastapi());
    };
  }

  /** Base URL + route; a base URL that already ends in {@code /v1} is not given a second one. */
  static URI endpoint(String base, String route) {
    String b = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    if (b.endsWith("/v1") && route.startsWith("/v1/")) route = route.substring(3);
    return URI.create(b + route);
  }

  public URI uri() {
    return uri;
  }

  public String model() {
    return model;
  }

  public abstract boolean streaming();

  /** Counts a whole text's tokens for servers that give no count; null when the scenario has no local tokenizer. */
  private volatile java.util.function.ToIntFunction<String> outputCounter;
  /** Whether requests ask for exactly their max new tokens where the stack accepts it. */
  private volatile boolean exactOutput;

  /**
   * Counts the tokens of whole-text answers that carry no count of the server's with this tokenizer,
   * as the client's count (ADR 0351). Set before the first request.
   */
  public void countOutputWith(java.util.function.ToIntFunction<String> counter) {
    this.outputCounter = counter;
  }

  /** Asks for exactly the requested new tokens where the target's stack accepts it (docs/protocols.md §13). */
  public void exactOutput(boolean on) {
    this.exactOutput = on;
  }

  protected boolean exactOutput() {
    return exactOutput;
  }

  /** The client's count of a whole text when the server gave none and a tokenizer is at hand, else {@link RequestTrace#NOT_COUNTED}. */
  protected int countText(int serverTokens, String text) {
    java.util.function.ToIntFunction<String> c = outputCounter;
    return serverTokens >= 0 || c == null ? RequestTrace.NOT_COUNTED : c.applyAsInt(text);
  }

  /** The JSON request body. {@code seed} is the per-request sampling seed (the same for every target). */
  public abstract byte[] body(String prompt, int maxNewTokens, long seed);

  /**
   * The JSON body of one turn of a conversation: {@code messages} in order (role, content), the last
   * one the new user message. Only chat clients have one: the scenario validator refuses a session
   * on any other api ({@code targets[i].api}), so reaching this is a bug in the caller.
   */
  public byte[] chatBody(List<ChatMessage> messages, int maxNewTokens, long seed) {
    throw new IllegalStateException("api " + getClass().getSimpleName() + " has no conversation body (sessions need openai-chat)");
  }

  /** Headers of a 2xx response (e.g. TGI's timing headers). */
  public void onHeaders(ResponseHeaders response, RequestTrace trace) {}

  /**
   * One event of a streamed response.
   *
   * @throws IOException when the event is not understood (the request is then {@link ErrorClass#MALFORMED})
   */
  public void onEvent(StreamEvent e, long nanos, RequestTrace trace) throws IOException {
    throw new IllegalStateException("not a streaming client");
  }

  /** The whole body of a non-streamed response, complete at {@code nanos}. */
  public void onBody(byte[] body, int length, long nanos, RequestTrace trace) throws IOException {
    throw new IllegalStateException("not a whole-body client");
  }

  /** Reads a JSON body; anything else is malformed. */
  static JsonNode readJson(byte[] body, int length) throws IOException {
    JsonNode n = JSON.readTree(body, 0, length);
    if (n == null || n.isMissingNode()) throw new IOException("empty body");
    return n;
  }

  /**
   * A whole response carries all its tokens at once: first = last = end of the body.
   *
   * @param serverTokens the server's count, −1 when it gave none
   * @param clientTokens what the client counted itself (a token list in the body), or {@link
   *     RequestTrace#NOT_COUNTED}: never a copy of {@code serverTokens}
   * @param estimate the client's estimate of N (words of the text), used only when neither count exists
   */
  static void wholeResponse(RequestTrace trace, long nanos, int serverTokens, int clientTokens, int estimate) {
    trace.serverTokens = serverTokens;
    int n = serverTokens >= 0 ? serverTokens : clientTokens >= 0 ? clientTokens : estimate;
    if (n > 0) trace.tokenEvent(nanos, n);
    trace.clientTokens = clientTokens;
  }

  static Optional<Long> headerMillisAsMicros(ResponseHeaders r, String name) {
    return r.header(name).flatMap(h -> {
      try {
        return Optional.of(Math.round(Double.parseDouble(h.trim()) * 1000.0));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    });
  }
}
