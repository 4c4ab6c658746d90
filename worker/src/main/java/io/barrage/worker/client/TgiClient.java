package io.barrage.worker.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.barrage.protocol.metrics.ErrorClass;
import java.io.IOException;
import java.net.URI;

/**
 * TGI's native API: {@code /generate_stream} (one SSE event per token, the last one with a non-null
 * {@code generated_text} and {@code details}, no {@code [DONE]}, errors as {@code {"error":...}}
 * events under HTTP 200) and {@code /generate} (one JSON body plus {@code x-time-per-token} /
 * {@code x-queue-time} headers in milliseconds).
 */
final class TgiClient extends ApiClient {
  private final boolean stream;

  TgiClient(URI uri, String model, boolean stream) {
    super(uri, model);
    this.stream = stream;
  }

  @Override
  public boolean streaming() {
    return stream;
  }

  @Override
  public byte[] body(String prompt, int maxNewTokens, long seed) {
    ObjectNode root = JSON.createObjectNode();
    root.put("inputs", prompt);
    ObjectNode p = root.putObject("parameters");
    p.put("max_new_tokens", maxNewTokens);
    p.put("details", true);
    p.put("seed", seed & Long.MAX_VALUE);
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void onHeaders(ResponseHeaders response, RequestTrace trace) {
    if (stream) return;
    headerMillisAsMicros(response, "x-time-per-token").ifPresent(v -> trace.serverTpotUs = v);
    headerMillisAsMicros(response, "x-queue-time").ifPresent(v -> trace.queueUs = v);
  }

  @Override
  public void onEvent(StreamEvent e, long nanos, RequestTrace trace) throws IOException {
    if (e.error) {
      trace.fail(ErrorClass.STREAM_ERROR, e.errorMessage);
      return;
    }
    if (e.done) return; // not part of TGI's native stream, harmless
    if (!e.token) throw new IOException("TGI stream event without a token");
    trace.tokenEvent(nanos, 1);
    if (e.finalEvent) {
      trace.streamComplete = true;
      if (e.serverTokens >= 0) trace.serverTokens = e.serverTokens;
    }
  }

  @Override
  public void onBody(byte[] body, int length, long nanos, RequestTrace trace) throws IOException {
    JsonNode n = readJson(body, length);
    if (n.isArray() && n.size() > 0) n = n.get(0); // the "/" compat route wraps the answer in an array
    if (n.has("error")) {
      trace.fail(ErrorClass.STREAM_ERROR, n.path("error").asText());
      return;
    }
    if (!n.path("generated_text").isTextual()) throw new IOException("no generated_text in TGI response");
    JsonNode details = n.path("details");
    int server = details.path("generated_tokens").isInt() ? details.get("generated_tokens").asInt() : -1;
    int client = details.path("tokens").isArray() ? details.get("tokens").size() : RequestTrace.NOT_COUNTED;
    wholeResponse(trace, nanos, server, client, FastapiClient.words(n.path("generated_text").asText()));
    trace.streamComplete = true;
  }
}
