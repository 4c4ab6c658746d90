package io.barrage.worker.client;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.barrage.protocol.scenario.FastapiOptions;
import java.io.IOException;
import java.net.URI;
import java.util.Iterator;
import java.util.Map;

/**
 * A home-made endpoint that returns the whole text at once (the FastAPI baseline of the seed
 * benchmark). The body is a JSON template whose string values may hold {@code {{prompt}}}, {@code
 * {{maxNewTokens}}} and {@code {{seed}}}; a value that is exactly {@code "{{maxNewTokens}}"} or
 * {@code "{{seed}}"} becomes a number. The text and the server's token count are read at the
 * configured JSON pointers; without a count, the client's estimate (whitespace-separated words) is
 * used and the request counts as having no server count.
 */
final class FastapiClient extends ApiClient {
  static final String DEFAULT_TEMPLATE =
      "{\"inputs\":\"{{prompt}}\",\"parameters\":{\"max_new_tokens\":\"{{maxNewTokens}}\",\"details\":true}}";

  private final JsonNode template;
  private final JsonPointer textPath;
  private final JsonPointer tokensPath;
  private final boolean usesSeed;
  /** The last body built: a fixed prompt and length give the same bytes every time (no seed in the template). */
  private volatile Rendered last;

  private record Rendered(String prompt, int maxNewTokens, byte[] bytes) {}

  FastapiClient(URI uri, String model, FastapiOptions options) {
    super(uri, model);
    String tpl = options == null || options.requestTemplate() == null ? DEFAULT_TEMPLATE : options.requestTemplate();
    try {
      this.template = JSON.readTree(tpl);
    } catch (IOException e) {
      throw new IllegalArgumentException("fastapi.requestTemplate is not JSON: " + e.getMessage(), e);
    }
    this.usesSeed = tpl.contains("{{seed}}");
    this.textPath = JsonPointer.compile(options == null || options.textPath() == null ? "/generated_text" : options.textPath());
    this.tokensPath = JsonPointer.compile(
        options == null || options.tokensPath() == null ? "/details/generated_tokens" : options.tokensPath());
  }

  @Override
  public boolean streaming() {
    return false;
  }

  @Override
  public byte[] body(String prompt, int maxNewTokens, long seed) {
    Rendered r = last;
    if (!usesSeed && r != null && r.maxNewTokens == maxNewTokens && r.prompt.equals(prompt)) return r.bytes;
    try {
      byte[] b = JSON.writeValueAsBytes(fill(template, prompt, maxNewTokens, seed & Long.MAX_VALUE));
      if (!usesSeed) last = new Rendered(prompt, maxNewTokens, b);
      return b;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode fill(JsonNode n, String prompt, int mnt, long seed) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (n.isTextual()) {
      String s = n.asText();
      if (s.equals("{{maxNewTokens}}")) return f.numberNode(mnt);
      if (s.equals("{{seed}}")) return f.numberNode(seed);
      if (s.indexOf("{{") < 0) return n;
      return TextNode.valueOf(s.replace("{{prompt}}", prompt).replace("{{maxNewTokens}}", Integer.toString(mnt))
          .replace("{{seed}}", Long.toString(seed)));
    }
    if (n.isObject()) {
      ObjectNode o = f.objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        o.set(e.getKey(), fill(e.getValue(), prompt, mnt, seed));
      }
      return o;
    }
    if (n.isArray()) {
      ArrayNode a = f.arrayNode();
      for (JsonNode c : n) a.add(fill(c, prompt, mnt, seed));
      return a;
    }
    return n;
  }

  @Override
  public void onBody(byte[] body, int length, long nanos, RequestTrace trace) throws IOException {
    JsonNode n = readJson(body, length);
    JsonNode text = n.at(textPath);
    if (!text.isTextual()) throw new IOException("no text at " + textPath);
    JsonNode tokens = n.at(tokensPath);
    int server = tokens.canConvertToInt() && tokens.isNumber() ? tokens.asInt() : -1;
    int client = words(text.asText());
    wholeResponse(trace, nanos, server, server >= 0 ? server : client);
    trace.streamComplete = true;
  }

  /** The client's estimate of a text's tokens when the server gives none: whitespace-separated words. */
  static int words(String s) {
    int n = 0;
    boolean in = false;
    for (int i = 0; i < s.length(); i++) {
      boolean ws = Character.isWhitespace(s.charAt(i));
      if (!ws && !in) n++;
      in = !ws;
    }
    return n;
  }
}
