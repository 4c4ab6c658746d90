package io.barrage.worker.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.barrage.protocol.metrics.ErrorClass;
import io.barrage.protocol.scenario.Stack;
import io.barrage.protocol.scenario.Target;
import java.io.IOException;
import java.net.URI;
import java.util.List;

/**
 * A target's route that applies its chat template to a conversation (docs/protocols.md §13, "Chat
 * template"), sent through the same client as the load:
 *
 * <ul>
 *   <li>vLLM: {@code POST /tokenize} with {@code {"model", "messages", "add_generation_prompt": true}}
 *       → {@code count}, the templated prompt's tokens;
 *   <li>TGI: {@code POST /chat_tokenize} with a chat request body ({@code model}, {@code messages}) →
 *       {@code {"tokenize_response": [tokens], "templated_text"}}; the count is the array's length;
 *   <li>llama.cpp: {@code POST /apply-template} with {@code {"messages"}} → {@code {"prompt"}}, the
 *       templated text (in {@link RequestTrace#replyText}), which the plain {@code /tokenize} then counts.
 * </ul>
 */
public final class ChatTokenizeClient extends ApiClient {
  private final Stack stack;

  private ChatTokenizeClient(URI uri, String model, Stack stack) {
    super(uri, model);
    this.stack = stack;
  }

  /** The chat-template route of {@code t}, whose stack must answer {@code /tokenize}. */
  public static ChatTokenizeClient of(Target t) {
    Stack s = t.stackOrDefault();
    if (s == null || !s.tokenizes()) {
      throw new IllegalArgumentException("target " + t.name() + " has no /tokenize route (stack " + (s == null ? "not given" : s.yamlName()) + ")");
    }
    String route = switch (s) {
      case VLLM -> "/tokenize";
      case LLAMACPP -> "/apply-template";
      default -> "/chat_tokenize";
    };
    return new ChatTokenizeClient(URI.create(TokenizeClient.root(t.url()) + route), t.model(), s);
  }

  public Stack stack() {
    return stack;
  }

  /** True when the answer is the templated text (llama.cpp), to be counted by the plain /tokenize. */
  public boolean answersText() {
    return stack == Stack.LLAMACPP;
  }

  @Override
  public boolean streaming() {
    return false;
  }

  /** A conversation of one user message, {@code text}. */
  @Override
  public byte[] body(String text, int maxNewTokens, long seed) {
    return chatBody(List.of(new ChatMessage("user", text)), maxNewTokens, seed);
  }

  @Override
  public byte[] chatBody(List<ChatMessage> messages, int maxNewTokens, long seed) {
    ObjectNode root = JSON.createObjectNode();
    if (stack != Stack.LLAMACPP) root.put("model", model() == null ? "tgi" : model());
    ArrayNode list = root.putArray("messages");
    for (ChatMessage m : messages) list.addObject().put("role", m.role()).put("content", m.content());
    if (stack == Stack.VLLM) root.put("add_generation_prompt", true);
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void onBody(byte[] body, int length, long nanos, RequestTrace trace) throws IOException {
    JsonNode n = readJson(body, length);
    if (n.isObject() && n.has("error")) {
      JsonNode e = n.get("error");
      trace.fail(ErrorClass.STREAM_ERROR, e.isTextual() ? e.asText() : e.path("message").asText(e.toString()));
      return;
    }
    switch (stack) {
      case VLLM -> {
        if (!n.path("count").canConvertToInt()) throw new IOException("no count in vLLM's /tokenize answer to a chat");
        trace.serverTokens = n.get("count").asInt();
      }
      case LLAMACPP -> {
        if (!n.path("prompt").isTextual()) throw new IOException("no prompt in llama.cpp's /apply-template answer");
        trace.replyText = new StringBuilder(n.get("prompt").asText());
        trace.serverTokens = 0;
      }
      default -> {
        if (!n.path("tokenize_response").isArray()) throw new IOException("no tokenize_response array in TGI's /chat_tokenize answer");
        trace.serverTokens = n.get("tokenize_response").size();
      }
    }
    trace.streamComplete = true;
  }
}
