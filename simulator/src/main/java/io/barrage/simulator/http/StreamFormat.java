package io.barrage.simulator.http;

import io.barrage.simulator.ErrorKind;
import io.barrage.simulator.engine.Token;
import java.nio.charset.StandardCharsets;

/**
 * Renders one response stream's events in a route's SSE dialect (docs/protocols.md §2, §6, §7). Stateful per
 * stream (it accumulates the generated text); used by one stream stage at a time.
 */
abstract class StreamFormat {
  static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
  static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
  static final byte[] DONE = "data:[DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
  static final byte[] KEEP_ALIVE = ":\n\n".getBytes(StandardCharsets.US_ASCII);
  static final byte[] NONE = new byte[0];

  final StringBuilder text = new StringBuilder();
  final GenerationParams params;
  int generated;
  /** Added to the token count the stream reports (a server that miscounts: {@code Profile.Faults#countOffset}). */
  int countOffset;

  StreamFormat(GenerationParams params) {
    this.params = params;
  }

  /** The event for one token (the last one may carry the final details). */
  abstract byte[] token(Token t);

  /** What follows the last token before the stream ends. */
  byte[] finish() {
    return NONE;
  }

  /** The error event(s) that end the stream. */
  abstract byte[] error(String message, ErrorKind kind);

  void count(Token t) {
    generated = t.index();
    if (!t.special()) text.append(t.text());
  }

  /** TGI {@code /generate_stream}: {@code data:{"index":..,"token":{..},"generated_text":..,"details":..}}. */
  static final class Tgi extends StreamFormat {
    Tgi(GenerationParams params) {
      super(params);
    }

    @Override
    byte[] token(Token t) {
      count(t);
      // every token but the last: the hot path of a streaming server, rendered without a generator
      // (TgiTokenEventTest proves it byte-identical to the generator's output below)
      if (!t.last()) return TgiTokenEvent.render(t);
      return jackson(t);
    }

    /** The event as Jackson writes it (always used for the last token, which carries the details). */
    byte[] jackson(Token t) {
      return Json.bytes(DATA, g -> {
        g.writeStartObject();
        g.writeNumberField("index", t.index());
        g.writeObjectFieldStart("token");
        g.writeNumberField("id", t.id());
        g.writeStringField("text", t.text());
        g.writeNumberField("logprob", (float) t.logprob());
        g.writeBooleanField("special", t.special());
        g.writeEndObject();
        if (t.last()) {
          g.writeStringField("generated_text", text.toString());
          if (params.details()) {
            g.writeObjectFieldStart("details");
            g.writeStringField("finish_reason", t.finishReason());
            g.writeNumberField("generated_tokens", t.index() + countOffset);
            writeSeed(g, params);
            g.writeNumberField("input_length", params.inputTokens());
            g.writeEndObject();
          } else {
            g.writeNullField("details");
          }
        } else {
          g.writeNullField("generated_text");
          g.writeNullField("details");
        }
        g.writeEndObject();
      }, END);
    }

    @Override
    byte[] error(String message, ErrorKind kind) {
      byte[] body = Json.tgiError(message, kind.label());
      byte[] out = new byte[DATA.length + body.length + END.length];
      System.arraycopy(DATA, 0, out, 0, DATA.length);
      System.arraycopy(body, 0, out, DATA.length, body.length);
      System.arraycopy(END, 0, out, DATA.length + body.length, END.length);
      return out;
    }
  }

  /** Shared by the two OpenAI dialects: errors as {@code {"error":{"message":..,"http_status_code":422}}} then {@code [DONE]}. */
  abstract static class OpenAi extends StreamFormat {
    final String model;
    final long created;
    final String fingerprint;

    OpenAi(GenerationParams params, String model, long created, String fingerprint) {
      super(params);
      this.model = model;
      this.created = created;
      this.fingerprint = fingerprint;
    }

    /** The error event alone, without the {@code [DONE]} that ends a stream. */
    static byte[] errorEvent(String message) {
      return Json.bytes(DATA, g -> {
        g.writeStartObject();
        g.writeObjectFieldStart("error");
        g.writeStringField("message", message);
        g.writeNumberField("http_status_code", 422);
        g.writeEndObject();
        g.writeEndObject();
      }, END);
    }

    @Override
    byte[] error(String message, ErrorKind kind) {
      byte[] ev = errorEvent(message);
      byte[] out = new byte[ev.length + DONE.length];
      System.arraycopy(ev, 0, out, 0, ev.length);
      System.arraycopy(DONE, 0, out, ev.length, DONE.length);
      return out;
    }

    void usage(com.fasterxml.jackson.core.JsonGenerator g) throws java.io.IOException {
      g.writeObjectFieldStart("usage");
      g.writeNumberField("prompt_tokens", params.inputTokens());
      g.writeNumberField("completion_tokens", generated + countOffset);
      g.writeNumberField("total_tokens", params.inputTokens() + generated + countOffset);
      g.writeEndObject();
    }
  }

  /** TGI {@code /v1/chat/completions} streaming (docs/protocols.md §7). */
  static final class Chat extends OpenAi {
    Chat(GenerationParams params, String model, long created, String fingerprint) {
      super(params, model, created, fingerprint);
    }

    private void head(com.fasterxml.jackson.core.JsonGenerator g) throws java.io.IOException {
      OpenAiShapes.head(g, "chat.completion.chunk", model, created, fingerprint);
    }

    @Override
    byte[] token(Token t) {
      count(t);
      return Json.bytes(DATA, g -> {
        g.writeStartObject();
        head(g);
        g.writeArrayFieldStart("choices");
        g.writeStartObject();
        g.writeNumberField("index", 0);
        g.writeObjectFieldStart("delta");
        g.writeStringField("role", "assistant");
        g.writeStringField("content", t.special() ? "" : t.text());
        g.writeEndObject();
        g.writeNullField("logprobs");
        if (t.last()) g.writeStringField("finish_reason", OpenAiShapes.finishReason(t.finishReason()));
        else g.writeNullField("finish_reason");
        g.writeEndObject();
        g.writeEndArray();
        g.writeNullField("usage");
        g.writeEndObject();
      }, END);
    }

    @Override
    byte[] finish() {
      if (!params.includeUsage()) return DONE;
      byte[] u = Json.bytes(DATA, g -> {
        g.writeStartObject();
        head(g);
        g.writeArrayFieldStart("choices");
        g.writeEndArray();
        usage(g);
        g.writeEndObject();
      }, END);
      byte[] out = new byte[u.length + DONE.length];
      System.arraycopy(u, 0, out, 0, u.length);
      System.arraycopy(DONE, 0, out, u.length, DONE.length);
      return out;
    }
  }

  /** TGI {@code /v1/completions} streaming (docs/protocols.md §7). */
  static final class Completions extends OpenAi {
    /** The prompt's position in the request ({@code choices[0].index}). */
    private final int index;

    Completions(GenerationParams params, String model, long created, String fingerprint) {
      this(params, model, created, fingerprint, 0);
    }

    Completions(GenerationParams params, String model, long created, String fingerprint, int index) {
      super(params, model, created, fingerprint);
      this.index = index;
    }

    @Override
    byte[] token(Token t) {
      count(t);
      return Json.bytes(DATA, g -> {
        g.writeStartObject();
        g.writeStringField("object", "text_completion");
        g.writeStringField("id", "");
        g.writeNumberField("created", created);
        if (t.last()) {
          g.writeStringField("model", model);
          g.writeStringField("system_fingerprint", fingerprint);
        }
        g.writeArrayFieldStart("choices");
        g.writeStartObject();
        g.writeNumberField("index", index);
        g.writeStringField("text", t.text());
        g.writeNullField("logprobs");
        g.writeStringField("finish_reason", t.last() ? t.finishReason() : "");
        g.writeEndObject();
        g.writeEndArray();
        if (t.last()) {
          usage(g);
        } else {
          g.writeStringField("model", model);
          g.writeStringField("system_fingerprint", fingerprint);
        }
        g.writeEndObject();
      }, END);
    }

    @Override
    byte[] finish() {
      return DONE;
    }
  }

  static void writeSeed(com.fasterxml.jackson.core.JsonGenerator g, GenerationParams p) throws java.io.IOException {
    if (p.seed() == null) g.writeNullField("seed");
    else g.writeNumberField("seed", p.seed());
  }
}
