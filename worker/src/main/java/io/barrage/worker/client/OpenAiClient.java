package io.barrage.worker.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.barrage.protocol.metrics.ErrorClass;
import io.barrage.protocol.scenario.Stack;
import java.io.IOException;
import java.net.URI;
import java.util.List;

/**
 * The OpenAI routes ({@code /v1/chat/completions}, {@code /v1/completions}) as TGI, vLLM and OpenAI
 * serve them. Streaming asks for {@code stream_options.include_usage} so the server's token count
 * arrives in the usage-only chunk. A chunk carries a token only when its content / text is a
 * non-empty string: role-only first chunks, finish-only chunks, usage-only chunks, keep-alive
 * comments and {@code [DONE]} never do. The stream is complete at {@code [DONE]}. With exact output
 * asked for, vLLM gets {@code ignore_eos} and {@code min_tokens} = {@code max_tokens}, llama.cpp
 * {@code ignore_eos}; other stacks nothing (docs/protocols.md §13).
 */
final class OpenAiClient extends ApiClient {
  private final boolean chat;
  private final boolean stream;
  private final Stack stack;

  OpenAiClient(URI uri, String model, boolean chat, boolean stream) {
    this(uri, model, chat, stream, null);
  }

  /** @param stack the server behind the routes, when the scenario names it: decides the exact-output parameters */
  OpenAiClient(URI uri, String model, boolean chat, boolean stream, Stack stack) {
    super(uri, model);
    this.chat = chat;
    this.stream = stream;
    this.stack = stack;
  }

  @Override
  public boolean streaming() {
    return stream;
  }

  @Override
  public byte[] body(String prompt, int maxNewTokens, long seed) {
    ObjectNode root = JSON.createObjectNode();
    root.put("model", model() == null ? "tgi" : model());
    if (chat) {
      ObjectNode m = root.putArray("messages").addObject();
      m.put("role", "user");
      m.put("content", prompt);
    } else {
      root.put("prompt", prompt);
    }
    root.put("max_tokens", maxNewTokens);
    root.put("seed", seed & Long.MAX_VALUE);
    root.put("stream", stream);
    if (stream) root.putObject("stream_options").put("include_usage", true);
    if (exactOutput() && (stack == Stack.VLLM || stack == Stack.LLAMACPP)) root.put("ignore_eos", true);
    if (exactOutput() && stack == Stack.VLLM) root.put("min_tokens", maxNewTokens);
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public byte[] chatBody(List<ChatMessage> messages, int maxNewTokens, long seed) {
    if (!chat) return super.chatBody(messages, maxNewTokens, seed);
    ObjectNode root = JSON.createObjectNode();
    root.put("model", model() == null ? "tgi" : model());
    ArrayNode list = root.putArray("messages");
    for (ChatMessage m : messages) list.addObject().put("role", m.role()).put("content", m.content());
    root.put("max_tokens", maxNewTokens);
    root.put("seed", seed & Long.MAX_VALUE);
    root.put("stream", stream);
    if (stream) root.putObject("stream_options").put("include_usage", true);
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void onEvent(StreamEvent e, long nanos, RequestTrace trace) throws IOException {
    if (e.done) {
      trace.streamComplete = true;
      return;
    }
    if (e.error) {
      trace.fail(ErrorClass.STREAM_ERROR, e.errorMessage);
      return;
    }
    if (e.content) trace.tokenEvent(nanos, RequestTrace.UNKNOWN);
    if (e.text != null && trace.replyText != null) trace.replyText.append(e.text);
    if (e.serverTokens >= 0) trace.serverTokens = e.serverTokens;
  }

  @Override
  public void onBody(byte[] body, int length, long nanos, RequestTrace trace) throws IOException {
    JsonNode n = readJson(body, length);
    if (n.has("error") && !n.get("error").isNull()) {
      trace.fail(ErrorClass.STREAM_ERROR, n.get("error").path("message").asText(n.get("error").asText()));
      return;
    }
    JsonNode choice = n.path("choices").path(0);
    if (choice.isMissingNode()) throw new IOException("no choices in response");
    JsonNode usage = n.path("usage").path("completion_tokens");
    int server = usage.isInt() ? usage.asInt() : -1;
    String text = chat ? choice.path("message").path("content").asText("") : choice.path("text").asText("");
    if (trace.replyText != null) trace.replyText.append(text);
    wholeResponse(trace, nanos, server, countText(server, text), FastapiClient.words(text));
    trace.streamComplete = true;
  }
}
