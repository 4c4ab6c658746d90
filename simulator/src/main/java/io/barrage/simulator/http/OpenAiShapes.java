package io.barrage.simulator.http;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;

/** Non-streaming bodies of TGI's native and OpenAI-compatible routes (docs/protocols.md §5, §7). */
final class OpenAiShapes {
  private OpenAiShapes() {}

  /** The fields every OpenAI response object starts with, in TGI's order. */
  static void head(com.fasterxml.jackson.core.JsonGenerator g, String object, String model, long created, String fingerprint)
      throws java.io.IOException {
    g.writeStringField("object", object);
    g.writeStringField("id", "");
    g.writeNumberField("created", created);
    g.writeStringField("model", model);
    g.writeStringField("system_fingerprint", fingerprint);
  }

  /** TGI's finish reason on the OpenAI routes: eos_token → stop, the others unchanged. */
  static String finishReason(String tgi) {
    return "eos_token".equals(tgi) ? "stop" : tgi;
  }

  static byte[] chat(Generated r, String model, long created, String fingerprint, int countOffset) {
    return Json.bytes(g -> {
      g.writeStartObject();
      head(g, "chat.completion", model, created, fingerprint);
      g.writeArrayFieldStart("choices");
      g.writeStartObject();
      g.writeNumberField("index", 0);
      g.writeObjectFieldStart("message");
      g.writeStringField("role", "assistant");
      g.writeStringField("content", r.text());
      g.writeEndObject();
      g.writeNullField("logprobs");
      g.writeStringField("finish_reason", finishReason(r.finishReason()));
      g.writeEndObject();
      g.writeEndArray();
      usage(g, r, countOffset);
      g.writeEndObject();
    });
  }

  static byte[] completion(Generated r, String model, long created, String fingerprint, int countOffset) {
    return Json.bytes(g -> {
      g.writeStartObject();
      head(g, "text_completion", model, created, fingerprint);
      g.writeArrayFieldStart("choices");
      g.writeStartObject();
      g.writeNumberField("index", 0);
      g.writeStringField("text", r.text());
      g.writeNullField("logprobs");
      g.writeStringField("finish_reason", finishReason(r.finishReason()));
      g.writeEndObject();
      g.writeEndArray();
      usage(g, r, countOffset);
      g.writeEndObject();
    });
  }

  /**
   * TGI {@code /v1/completions} with several prompts: one choice per prompt, in the order they
   * finished (TGI collects them unordered), each with its prompt's index; usage summed.
   */
  static byte[] completionBatch(List<Generated> finished, List<Integer> indexes, String model, long created,
      String fingerprint) {
    return Json.bytes(g -> {
      g.writeStartObject();
      head(g, "text_completion", model, created, fingerprint);
      g.writeArrayFieldStart("choices");
      long prompt = 0;
      long completion = 0;
      for (int i = 0; i < finished.size(); i++) {
        Generated r = finished.get(i);
        g.writeStartObject();
        g.writeNumberField("index", indexes.get(i));
        g.writeStringField("text", r.text());
        g.writeNullField("logprobs");
        g.writeStringField("finish_reason", finishReason(r.finishReason()));
        g.writeEndObject();
        prompt += r.promptTokens();
        completion += r.tokens().size();
      }
      g.writeEndArray();
      g.writeObjectFieldStart("usage");
      g.writeNumberField("prompt_tokens", prompt);
      g.writeNumberField("completion_tokens", completion);
      g.writeNumberField("total_tokens", prompt + completion);
      g.writeEndObject();
      g.writeEndObject();
    });
  }

  /** TGI {@code /generate}: {@code generated_text} and, when asked, {@code details} with every token. */
  static byte[] tgiGenerate(Generated r, GenerationParams p, int countOffset) {
    return Json.bytes(g -> {
      g.writeStartObject();
      g.writeStringField("generated_text", r.text());
      if (p.details()) {
        g.writeObjectFieldStart("details");
        g.writeStringField("finish_reason", r.finishReason());
        g.writeNumberField("generated_tokens", r.tokens().size() + countOffset);
        StreamFormat.writeSeed(g, p);
        g.writeArrayFieldStart("prefill");
        g.writeEndArray();
        g.writeArrayFieldStart("tokens");
        for (var t : r.tokens()) {
          g.writeStartObject();
          g.writeNumberField("id", t.id());
          g.writeStringField("text", t.text());
          g.writeNumberField("logprob", (float) t.logprob());
          g.writeBooleanField("special", t.special());
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndObject();
    });
  }

  /** The FastAPI baseline: TGI's response shape, {@code details} reduced to what such an app reports. */
  static byte[] fastapiGenerate(Generated r, GenerationParams p, int countOffset) {
    return Json.bytes(g -> {
      g.writeStartObject();
      g.writeStringField("generated_text", r.text());
      if (p.details()) {
        g.writeObjectFieldStart("details");
        g.writeStringField("finish_reason", r.finishReason());
        g.writeNumberField("generated_tokens", r.tokens().size() + countOffset);
        StreamFormat.writeSeed(g, p);
        g.writeEndObject();
      }
      g.writeEndObject();
    });
  }

  private static void usage(JsonGenerator g, Generated r, int countOffset) throws IOException {
    g.writeObjectFieldStart("usage");
    g.writeNumberField("prompt_tokens", r.promptTokens());
    g.writeNumberField("completion_tokens", r.tokens().size() + countOffset);
    g.writeNumberField("total_tokens", r.promptTokens() + r.tokens().size() + countOffset);
    g.writeEndObject();
  }
}
