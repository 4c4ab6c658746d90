package io.barrage.worker.client;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import io.barrage.protocol.scenario.FastapiOptions;
import io.barrage.protocol.scenario.RequestTemplate;
import java.io.IOException;
import java.net.URI;

/**
 * A home-made endpoint that returns the whole text at once (the FastAPI baseline of the seed
 * benchmark). The body is a JSON template whose string values may hold {@code {{prompt}}}, {@code
 * {{maxNewTokens}}} and {@code {{seed}}}; a value that is exactly {@code "{{maxNewTokens}}"} or
 * {@code "{{seed}}"} becomes a number. The text and the server's token count are read at the
 * configured JSON pointers. The client cannot count tokens in a plain text, so it reports no count of
 * its own (never a copy of the server's) unless the scenario gives a tokenizer file and the server
 * gives no count: then the text's tokens in that tokenizer are the client's count (ADR 0351);
 * without any count, N is the client's estimate (whitespace-separated words).
 */
final class FastapiClient extends ApiClient {
  private final RequestTemplate template;
  private final JsonPointer textPath;
  private final JsonPointer tokensPath;
  /** The last body built: a fixed prompt and length give the same bytes every time (no seed in the template). */
  private volatile Rendered last;

  private record Rendered(String prompt, int maxNewTokens, byte[] bytes) {}

  FastapiClient(URI uri, String model, FastapiOptions options) {
    super(uri, model);
    try {
      this.template = RequestTemplate.parse(options == null ? null : options.requestTemplate());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("fastapi.requestTemplate: " + e.getMessage(), e);
    }
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
    if (!template.usesSeed() && r != null && r.maxNewTokens == maxNewTokens && r.prompt.equals(prompt)) return r.bytes;
    byte[] b = template.render(prompt, maxNewTokens, seed & Long.MAX_VALUE);
    if (!template.usesSeed()) last = new Rendered(prompt, maxNewTokens, b);
    return b;
  }

  @Override
  public void onBody(byte[] body, int length, long nanos, RequestTrace trace) throws IOException {
    JsonNode n = readJson(body, length);
    JsonNode text = n.at(textPath);
    if (!text.isTextual()) throw new IOException("no text at " + textPath);
    JsonNode tokens = n.at(tokensPath);
    int server = tokens.canConvertToInt() && tokens.isNumber() ? tokens.asInt() : -1;
    wholeResponse(trace, nanos, server, countText(server, text.asText()), server >= 0 ? 0 : words(text.asText()));
    trace.streamComplete = true;
  }

  /** The client's estimate of a text's tokens when nothing counted them: whitespace-separated words. */
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
