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
 * A real TGI refuses the other two shapes (422); the simulator answers them so that barrage's
 * clients for vLLM and llama.cpp are tested against a server. The key check and the content type
 * are those of the generation routes.
 */
final class TokenizeRoute {
  private final Generations core;

  TokenizeRoute(Generations core) {
    this.core = core;
  }

  void handle(Exchange ex) {
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
      Reply.json(200, answer(root, core.profile.limits().maxTotalTokens())).send(ex);
    } catch (Rejection.Failure f) {
      Reply.text(f.rejection.status(), f.rejection.message()).send(ex);
    }
  }

  static byte[] answer(JsonNode root, int maxModelLen) {
    if (!root.isObject()) throw shape("invalid type: expected struct GenerateRequest");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = Json.FACTORY.createGenerator(out)) {
      if (root.has("inputs")) {
        List<Tokens.Piece> pieces = Tokens.pieces(text(root, "inputs"));
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
      } else if (root.has("prompt")) {
        List<Tokens.Piece> pieces = Tokens.pieces(text(root, "prompt"));
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
