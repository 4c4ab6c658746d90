package io.barrage.simulator.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code POST /tokenize} with the simulator's tokenizer ({@link Tokens}), in the request and answer
 * shape of the stack the body is written for (docs/protocols.md §13):
 *
 * <ul>
 *   <li>TGI: {@code {"inputs": "..."}} → a JSON array of {@code {"id", "text", "start", "stop"}};
 *   <li>vLLM: {@code {"prompt": "..."}} → {@code {"count", "max_model_len", "tokens": [ids]}};
 *   <li>llama.cpp: {@code {"content": "..."}} → {@code {"tokens": [ids]}}, or {@code [{"id",
 *       "piece"}]} with {@code "with_pieces": true}.
 * </ul>
 *
 * A chat is tokenized with the simulator's chat template ({@link ChatTemplate}) applied, in the
 * three stacks' shapes: vLLM's {@code /tokenize} with {@code "messages"} instead of {@code "prompt"}
 * (same answer), TGI's {@code POST /chat_tokenize} ({@link #chatTokenize}) and llama.cpp's
 * {@code POST /apply-template} ({@link #applyTemplate}), whose text {@code /tokenize} then counts.
 *
 * <p>A real TGI refuses the other two shapes (422); the simulator answers them so that barrage's
 * clients for vLLM and llama.cpp are tested against a server. The key check and the content type
 * are those of the generation routes.
 */
final class TokenizeRoute {
  private final Generations core;

  TokenizeRoute(Generations core) {
    this.core = core;
  }

  /** @param chats whether a vLLM-shaped body may carry {@code messages} (else refused as without {@code prompt}) */
  void handle(Exchange ex, boolean chats) {
    serve(ex, root -> {
      if (!chats && root.isObject() && root.has("messages") && !root.has("prompt")) throw shape("missing field `prompt`");
      return answer(root, core.profile.limits().maxTotalTokens());
    });
  }

  /** TGI's {@code POST /chat_tokenize}: a chat request body → its templated text's tokens. */
  void chatTokenize(Exchange ex) {
    serve(ex, root -> {
      if (!root.isObject()) throw shape("invalid type: expected struct ChatRequest");
      String text = ChatTemplate.render(root.get("messages"), true);
      return write(g -> {
        g.writeStartObject();
        g.writeFieldName("tokenize_response");
        tgiTokens(g, Tokens.pieces(text));
        g.writeStringField("templated_text", text);
        g.writeEndObject();
      });
    });
  }

  /** llama.cpp's {@code POST /apply-template}: {@code {"messages"}} → {@code {"prompt"}}, the templated text. */
  void applyTemplate(Exchange ex) {
    serve(ex, root -> {
      if (!root.isObject()) throw shape("invalid type: expected an object");
      String text = ChatTemplate.render(root.get("messages"), true);
      return write(g -> {
        g.writeStartObject();
        g.writeStringField("prompt", text);
        g.writeEndObject();
      });
    });
  }

  private interface Answer {
    byte[] of(JsonNode root);
  }

  private interface Writer {
    void write(JsonGenerator g) throws IOException;
  }

  private static byte[] write(Writer w) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
      w.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void tgiTokens(JsonGenerator g, List<Tokens.Piece> pieces) throws IOException {
    g.writeStartArray();
    for (Tokens.Piece p : pieces) {
      g.writeStartObject();
      g.writeNumberField("id", p.id());
      g.writeStringField("text", p.text());
      g.writeNumberField("start", p.start());
      g.writeNumberField("stop", p.stop());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private void serve(Exchange ex, Answer answer) {
    if (!core.authorized(ex)) {
      Reply.empty(401).send(ex);
      return;
    }
    String ct = ex.header("content-type");
    if (ct == null || !ct.split(";", 2)[0].trim().equalsIgnoreCase("application/json")) {
      Reply.text(415, "Expected request with `Content-Type: application/json`").send(ex);
      return;
    }
    try {
      JsonNode root = RequestParsing.readJson(new String(ex.body(), StandardCharsets.UTF_8));
      Reply.json(200, answer.of(root)).send(ex);
    } catch (Rejection.Failure f) {
      Reply.text(f.rejection.status(), f.rejection.message()).send(ex);
    }
  }

  static byte[] answer(JsonNode root, int maxModelLen) {
    if (!root.isObject()) throw shape("invalid type: expected struct GenerateRequest");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
      if (root.has("inputs")) {
        tgiTokens(g, Tokens.pieces(text(root, "inputs")));
      } else if (root.has("prompt") || root.has("messages")) {
        // vLLM: a chat (messages, add_generation_prompt true by default) is templated first
        List<Tokens.Piece> pieces = Tokens.pieces(root.has("prompt") ? text(root, "prompt")
            : ChatTemplate.render(root.get("messages"), root.path("add_generation_prompt").asBoolean(true)));
        g.writeStartObject();
        g.writeNumberField("count", pieces.size());
        g.writeNumberField("max_model_len", maxModelLen);
        g.writeArrayFieldStart("tokens");
        for (Tokens.Piece p : pieces) g.writeNumber(p.id());
        g.writeEndArray();
        g.writeEndObject();
      } else if (root.has("content")) {
        List<Tokens.Piece> pieces = Tokens.pieces(text(root, "content"));
        boolean withPieces = root.path("with_pieces").asBoolean(false);
        g.writeStartObject();
        g.writeArrayFieldStart("tokens");
        for (Tokens.Piece p : pieces) {
          if (withPieces) {
            g.writeStartObject();
            g.writeNumberField("id", p.id());
            g.writeStringField("piece", p.text());
            g.writeEndObject();
          } else {
            g.writeNumber(p.id());
          }
        }
        g.writeEndArray();
        g.writeEndObject();
      } else {
        throw shape("missing field `inputs`");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static String text(JsonNode root, String field) {
    JsonNode n = root.get(field);
    if (!n.isTextual()) throw shape(field + ": invalid type: expected a string");
    return n.asText();
  }

  private static Rejection.Failure shape(String what) {
    return new Rejection.Failure(Rejection.plain(422, "Failed to deserialize the JSON body into the target type: " + what));
  }
}
