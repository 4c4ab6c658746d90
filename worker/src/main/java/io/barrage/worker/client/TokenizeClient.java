package io.barrage.worker.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.barrage.protocol.metrics.ErrorClass;
import io.barrage.protocol.scenario.Stack;
import io.barrage.protocol.scenario.Target;
import java.io.IOException;
import java.net.URI;

/**
 * {@code POST /tokenize} of a target's stack (docs/protocols.md §13), sent through the same client as
 * the load: the body the stack expects for one text, and the token count read from its answer into
 * {@link RequestTrace#serverTokens}. Special tokens are asked for (TGI adds them unless told not
 * to, vLLM's {@code add_special_tokens} defaults to true, llama.cpp's {@code add_special} to false),
 * so the count is the prompt length the server will see on its completion routes.
 *
 * <ul>
 *   <li>TGI: {@code {"inputs"}} → an array of tokens; the count is its length;
 *   <li>vLLM: {@code {"model", "prompt", "add_special_tokens": true}} → {@code count};
 *   <li>llama.cpp: {@code {"content", "add_special": true}} → {@code tokens}' length.
 * </ul>
 */
public final class TokenizeClient extends ApiClient {
  private final Stack stack;

  private TokenizeClient(URI uri, String model, Stack stack) {
    super(uri, model);
    this.stack = stack;
  }

  /** The tokenize route of {@code t}, whose stack must be known and answer {@code /tokenize}. */
  public static TokenizeClient of(Target t) {
    Stack s = tokenizingStack(t);
    return new TokenizeClient(URI.create(root(t.url()) + "/tokenize"), t.model(), s);
  }

  /** {@code t}'s stack, which must be known and answer {@code /tokenize}. */
  static Stack tokenizingStack(Target t) {
    Stack s = t.stackOrDefault();
    if (s == null || !s.tokenizes()) {
      throw new IllegalArgumentException("target " + t.name() + " has no /tokenize route (stack " + (s == null ? "not given" : s.yamlName()) + ")");
    }
    return s;
  }

  /** The server's root: a fastapi url's path and an OpenAI base url's {@code /v1} are left out. */
  static String root(String url) {
    URI u = URI.create(url);
    String path = u.getRawPath() == null ? "" : u.getRawPath();
    if (path.endsWith("/")) path = path.substring(0, path.length() - 1);
    if (path.endsWith("/v1")) path = path.substring(0, path.length() - 3);
    return u.getScheme() + "://" + u.getRawAuthority() + path;
  }

  public Stack stack() {
    return stack;
  }

  @Override
  public boolean streaming() {
    return false;
  }

  @Override
  public byte[] body(String text, int maxNewTokens, long seed) {
    ObjectNode root = JSON.createObjectNode();
    switch (stack) {
      case VLLM -> {
        if (model() != null) root.put("model", model());
        root.put("prompt", text);
        root.put("add_special_tokens", true);
      }
      case LLAMACPP -> {
        root.put("content", text);
        root.put("add_special", true);
      }
      default -> root.put("inputs", text);
    }
    return bytes(root);
  }

  @Override
  public void onBody(byte[] body, int length, long nanos, RequestTrace trace) throws IOException {
    JsonNode n = readJson(body, length);
    if (failedWithError(n, trace)) return;
    int count = switch (stack) {
      case VLLM -> {
        if (!n.path("count").canConvertToInt()) throw new IOException("no count in vLLM's /tokenize answer");
        yield n.get("count").asInt();
      }
      case LLAMACPP -> {
        if (!n.path("tokens").isArray()) throw new IOException("no tokens array in llama.cpp's /tokenize answer");
        yield n.get("tokens").size();
      }
      default -> {
        if (!n.isArray()) throw new IOException("TGI's /tokenize answers an array of tokens");
        yield n.size();
      }
    };
    trace.serverTokens = count;
    trace.streamComplete = true;
  }

  /** True, with the request failed as a stream error carrying the server's message, when the answer is an error object. */
  static boolean failedWithError(JsonNode n, RequestTrace trace) {
    if (!n.isObject() || !n.has("error")) return false;
    JsonNode e = n.get("error");
    trace.fail(ErrorClass.STREAM_ERROR, e.isTextual() ? e.asText() : e.path("message").asText(e.toString()));
    return true;
  }

  static byte[] bytes(ObjectNode root) {
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
