package io.barrage.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real requests against a running tgi-fast simulator, checked against docs/protocols.md byte by byte. */
class ConformanceTest {
  static final ObjectMapper M = new ObjectMapper();
  static SimulatorServer server;
  static String url;

  @BeforeAll
  static void start() {
    server = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST));
    url = server.baseUrl();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static String body(HttpResponse<InputStream> r) throws Exception {
    try (InputStream in = r.body()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static List<String> events(String sse) {
    assertThat(sse).endsWith("\n\n");
    List<String> out = new ArrayList<>();
    for (String e : sse.split("\n\n")) out.add(e);
    return out;
  }

  @Test
  void generateStreamSendsOneDataEventPerTokenWithoutSpaceAndEndsWithTheFinalEvent() throws Exception {
    HttpResponse<InputStream> r = Http.postStream(url + "/generate_stream",
        "{\"inputs\":\"What is deep learning?\",\"parameters\":{\"max_new_tokens\":5,\"details\":true}}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream");
    assertThat(r.headers().firstValue("x-accel-buffering")).hasValue("no");
    assertThat(r.headers().firstValue("cache-control")).hasValue("no-cache");
    assertThat(r.headers().firstValue("x-compute-type")).hasValue("1-simulated-gpu");
    List<String> ev = events(body(r));
    assertThat(ev).hasSize(5);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      assertThat(ev.get(i)).startsWith("data:{\"index\":" + (i + 1) + ",\"token\":{\"id\":");
      JsonNode n = M.readTree(ev.get(i).substring(5));
      assertThat(n.fieldNames()).toIterable().containsExactly("index", "token", "generated_text", "details");
      assertThat(n.get("token").fieldNames()).toIterable().containsExactly("id", "text", "logprob", "special");
      text.append(n.get("token").get("text").asText());
      if (i < 4) {
        assertThat(n.get("generated_text").isNull()).isTrue();
        assertThat(n.get("details").isNull()).isTrue();
      }
    }
    JsonNode last = M.readTree(ev.get(4).substring(5));
    assertThat(last.get("generated_text").asText()).isEqualTo(text.toString());
    JsonNode d = last.get("details");
    assertThat(d.fieldNames()).toIterable().containsExactly("finish_reason", "generated_tokens", "seed", "input_length");
    assertThat(d.get("finish_reason").asText()).isEqualTo("length");
    assertThat(d.get("generated_tokens").asInt()).isEqualTo(5);
    assertThat(d.get("input_length").asInt()).isEqualTo(6);
  }

  @Test
  void generateStreamWithoutDetailsHasNullDetailsOnTheFinalEvent() throws Exception {
    String sse = body(Http.postStream(url + "/generate_stream", "{\"inputs\":\"hi\",\"parameters\":{\"max_new_tokens\":2}}"));
    List<String> ev = events(sse);
    assertThat(ev.get(1)).endsWith(",\"details\":null}");
    assertThat(M.readTree(ev.get(1).substring(5)).get("generated_text").isTextual()).isTrue();
    assertThat(sse).doesNotContain("[DONE]");
  }

  @Test
  void generateReturnsDetailsAndTimingHeaders() throws Exception {
    HttpResponse<String> r = Http.post(url + "/generate",
        "{\"inputs\":\"What is deep learning?\",\"parameters\":{\"max_new_tokens\":10,\"details\":true}}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    for (String h : List.of("x-compute-type", "x-compute-time", "x-compute-characters", "x-total-time",
        "x-validation-time", "x-queue-time", "x-inference-time", "x-time-per-token", "x-prompt-tokens", "x-generated-tokens")) {
      assertThat(r.headers().firstValue(h)).as(h).isPresent();
    }
    assertThat(r.headers().firstValue("x-generated-tokens")).hasValue("10");
    assertThat(r.headers().firstValue("x-compute-characters")).hasValue("22");
    assertThat(r.headers().firstValue("x-compute-time").orElseThrow()).matches("\\d+\\.\\d{6}");
    JsonNode n = M.readTree(r.body());
    assertThat(n.fieldNames()).toIterable().containsExactly("generated_text", "details");
    JsonNode d = n.get("details");
    assertThat(d.fieldNames()).toIterable().containsExactly("finish_reason", "generated_tokens", "seed", "prefill", "tokens");
    assertThat(d.get("generated_tokens").asInt()).isEqualTo(10);
    assertThat(d.get("tokens")).hasSize(10);
    assertThat(d.get("prefill")).isEmpty();
  }

  @Test
  void generateWithoutDetailsOmitsTheKey() throws Exception {
    HttpResponse<String> r = Http.post(url + "/generate", "{\"inputs\":\"x\",\"parameters\":{\"max_new_tokens\":3}}");
    assertThat(M.readTree(r.body()).fieldNames()).toIterable().containsExactly("generated_text");
  }

  @Test
  void autoLengthEndsWithTheEosToken() throws Exception {
    HttpResponse<String> r = Http.post(url + "/generate", "{\"inputs\":\"x\",\"parameters\":{\"details\":true}}");
    JsonNode d = M.readTree(r.body()).get("details");
    assertThat(d.get("finish_reason").asText()).isEqualTo("eos_token");
    JsonNode last = d.get("tokens").get(d.get("tokens").size() - 1);
    assertThat(last.get("special").asBoolean()).isTrue();
    assertThat(M.readTree(r.body()).get("generated_text").asText()).doesNotContain("</s>");
  }

  @Test
  void validationErrorsUseTgiBodyAnd422() throws Exception {
    HttpResponse<String> r = Http.post(url + "/generate", "{\"inputs\":\"x\",\"parameters\":{\"top_p\":1.0}}");
    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(r.body()).isEqualTo("{\"error\":\"Input validation error: `top_p` must be > 0.0 and < 1.0\",\"error_type\":\"validation\"}");
    HttpResponse<String> z = Http.post(url + "/generate", "{\"inputs\":\"x\",\"parameters\":{\"max_new_tokens\":0}}");
    assertThat(z.body()).contains("`max_new_tokens` must be strictly positive");
    String longPrompt = "abcd".repeat(4000);
    HttpResponse<String> len = Http.post(url + "/generate",
        "{\"inputs\":\"" + longPrompt + "\",\"parameters\":{\"max_new_tokens\":4096}}");
    assertThat(len.statusCode()).isEqualTo(422);
    assertThat(len.body()).isEqualTo("{\"error\":\"Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096. "
        + "Given: 4000 `inputs` tokens and 1024 `max_new_tokens`\",\"error_type\":\"validation\"}");
  }

  @Test
  void validationErrorOnTheStreamIsA200ErrorEvent() throws Exception {
    HttpResponse<InputStream> r = Http.postStream(url + "/generate_stream", "{\"inputs\":\"x\",\"parameters\":{\"temperature\":0}}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(body(r)).isEqualTo(
        "data:{\"error\":\"Input validation error: `temperature` must be strictly positive\",\"error_type\":\"validation\"}\n\n");
  }

  @Test
  void malformedBodiesGetAxumPlainTextRejections() {
    HttpResponse<String> bad = Http.post(url + "/generate", "{not json");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).startsWith("Failed to parse the request body as JSON");
    HttpResponse<String> shape = Http.post(url + "/generate", "{\"parameters\":{}}");
    assertThat(shape.statusCode()).isEqualTo(422);
    assertThat(shape.body()).startsWith("Failed to deserialize the JSON body into the target type");
    HttpResponse<String> ct = Http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/generate"))
        .header("Content-Type", "text/plain").POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build());
    assertThat(ct.statusCode()).isEqualTo(415);
    assertThat(ct.body()).isEqualTo("Expected request with `Content-Type: application/json`");
  }

  @Test
  void chatStreamHasRoleOnEveryDeltaUsageChunkAndDone() throws Exception {
    String sse = body(Http.postStream(url + "/v1/chat/completions",
        "{\"model\":\"tgi\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}],\"max_tokens\":3,\"stream\":true,"
            + "\"stream_options\":{\"include_usage\":true}}"));
    List<String> ev = events(sse);
    assertThat(ev).hasSize(5);
    for (int i = 0; i < 3; i++) {
      assertThat(ev.get(i)).startsWith("data:{\"object\":\"chat.completion.chunk\",\"id\":\"\",\"created\":");
      JsonNode n = M.readTree(ev.get(i).substring(5));
      assertThat(n.fieldNames()).toIterable()
          .containsExactly("object", "id", "created", "model", "system_fingerprint", "choices", "usage");
      assertThat(n.get("model").asText()).isEqualTo("sim/tgi-fast");
      assertThat(n.get("usage").isNull()).isTrue();
      JsonNode c = n.get("choices").get(0);
      assertThat(c.get("delta").get("role").asText()).isEqualTo("assistant");
      assertThat(c.get("finish_reason").isNull()).isEqualTo(i < 2);
    }
    assertThat(M.readTree(ev.get(2).substring(5)).get("choices").get(0).get("finish_reason").asText()).isEqualTo("length");
    JsonNode usage = M.readTree(ev.get(3).substring(5));
    assertThat(usage.get("choices")).isEmpty();
    assertThat(usage.get("usage").get("completion_tokens").asInt()).isEqualTo(3);
    assertThat(usage.get("usage").fieldNames()).toIterable().containsExactly("prompt_tokens", "completion_tokens", "total_tokens");
    assertThat(ev.get(4)).isEqualTo("data:[DONE]");
  }

  @Test
  void chatStreamWithoutIncludeUsageHasNoUsageChunk() throws Exception {
    List<String> ev = events(body(Http.postStream(url + "/v1/chat/completions",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}],\"max_tokens\":2,\"stream\":true,\"model\":\"my-adapter\"}")));
    assertThat(ev).hasSize(3);
    assertThat(M.readTree(ev.get(0).substring(5)).get("model").asText()).isEqualTo("my-adapter");
    assertThat(ev.get(2)).isEqualTo("data:[DONE]");
  }

  @Test
  void chatNonStreamingBodyAndHeaders() throws Exception {
    HttpResponse<String> r = Http.post(url + "/v1/chat/completions",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}],\"max_tokens\":4}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-compute-time")).isPresent();
    JsonNode n = M.readTree(r.body());
    assertThat(n.fieldNames()).toIterable()
        .containsExactly("object", "id", "created", "model", "system_fingerprint", "choices", "usage");
    assertThat(n.get("object").asText()).isEqualTo("chat.completion");
    assertThat(n.get("system_fingerprint").asText()).isEqualTo("3.3.6-dev0-native");
    assertThat(n.get("choices").get(0).get("message").get("role").asText()).isEqualTo("assistant");
    assertThat(n.get("usage").get("completion_tokens").asInt()).isEqualTo(4);
  }

  @Test
  void completionsStreamUsesEmptyFinishReasonThenRawReasonWithUsage() throws Exception {
    List<String> ev = events(body(Http.postStream(url + "/v1/completions",
        "{\"prompt\":\"Deep learning is\",\"max_tokens\":3,\"stream\":true}")));
    assertThat(ev).hasSize(4);
    JsonNode first = M.readTree(ev.get(0).substring(5));
    assertThat(first.fieldNames()).toIterable().containsExactly("object", "id", "created", "choices", "model", "system_fingerprint");
    assertThat(first.get("choices").get(0).get("finish_reason").asText()).isEmpty();
    JsonNode last = M.readTree(ev.get(2).substring(5));
    assertThat(last.fieldNames()).toIterable()
        .containsExactly("object", "id", "created", "model", "system_fingerprint", "choices", "usage");
    assertThat(last.get("choices").get(0).get("finish_reason").asText()).isEqualTo("length");
    assertThat(ev.get(3)).isEqualTo("data:[DONE]");
  }

  @Test
  void aStreamPastThe1024TokenSegmentIsOneContinuousStream() throws Exception {
    List<String> ev = events(body(Http.postStream(url + "/generate_stream",
        "{\"inputs\":\"What is deep learning?\",\"parameters\":{\"max_new_tokens\":1100,\"details\":true}}")));
    assertThat(ev).hasSize(1100);
    for (int i = 0; i < ev.size(); i++) assertThat(ev.get(i)).startsWith("data:{\"index\":" + (i + 1) + ",");
    JsonNode last = M.readTree(ev.get(1099).substring(5));
    assertThat(last.get("details").get("generated_tokens").asInt()).isEqualTo(1100);
    assertThat(last.get("details").get("finish_reason").asText()).isEqualTo("length");
    HttpResponse<String> whole = Http.post(url + "/generate", "{\"inputs\":\"x\",\"parameters\":{\"max_new_tokens\":1500}}");
    assertThat(whole.headers().firstValue("x-generated-tokens")).hasValue("1500");
  }

  @Test
  void completionsNonStreamingHasNoComputeTimeHeader() throws Exception {
    HttpResponse<String> r = Http.post(url + "/v1/completions", "{\"prompt\":\"Deep learning is\",\"max_tokens\":3}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-compute-time")).isEmpty();
    assertThat(r.headers().firstValue("x-generated-tokens")).hasValue("3");
    assertThat(M.readTree(r.body()).get("object").asText()).isEqualTo("text_completion");
  }

  @Test
  void infoHealthModelsAndUnknownRoutes() throws Exception {
    HttpResponse<String> h = Http.get(url + "/health");
    assertThat(h.statusCode()).isEqualTo(200);
    assertThat(h.body()).isEmpty();
    JsonNode info = M.readTree(Http.get(url + "/info").body());
    assertThat(info.get("max_concurrent_requests").asInt()).isEqualTo(128);
    assertThat(info.get("version").asText()).isEqualTo("3.3.6-dev0");
    assertThat(info.has("max_batch_total_tokens")).isFalse();
    JsonNode models = M.readTree(Http.get(url + "/v1/models").body());
    assertThat(models.get("data").get(0).get("id").asText()).isEqualTo("sim/tgi-fast");
    assertThat(Http.get(url + "/nope").statusCode()).isEqualTo(404);
  }

  @Test
  void metricsUseTgiNamesAndExposeSchedulingLag() {
    Http.post(url + "/generate", "{\"inputs\":\"x\",\"parameters\":{\"max_new_tokens\":2}}");
    String m = Http.get(url + "/metrics").body();
    assertThat(m).contains("tgi_request_count ", "tgi_request_success ", "tgi_queue_size ", "tgi_batch_current_size ",
        "tgi_batch_max_total_tokens 1000000", "tgi_request_duration_bucket{le=\"+Inf\"}", "tgi_request_duration_bucket{le=\"0.00015\"}",
        "tgi_batch_forward_duration_bucket{method=\"decode\",le=\"0.000225\"}",
        "barrage_sim_scheduling_lag_seconds{quantile=\"0.99\"}");
    assertThat(m).doesNotContain("_total ");
  }

  @Test
  void compatRouteWrapsTheResponseInAnArray() throws Exception {
    HttpResponse<String> r = Http.post(url + "/", "{\"inputs\":\"x\",\"parameters\":{\"max_new_tokens\":2}}");
    JsonNode n = M.readTree(r.body());
    assertThat(n.isArray()).isTrue();
    assertThat(n.get(0).has("generated_text")).isTrue();
  }
}
