package io.barrage.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code /v1/completions} with a list of prompts, as TGI serves it (docs/protocols.md §7): one generation per prompt. */
class CompletionsBatchTest {
  static final ObjectMapper M = new ObjectMapper();

  static List<String> events(String sse) {
    assertThat(sse).endsWith("\n\n");
    return List.of(sse.split("\n\n"));
  }

  /** {@code choices[0].index} of every event but the last ({@code [DONE]}). */
  static List<Integer> promptOrder(List<String> events) throws Exception {
    List<Integer> order = new ArrayList<>();
    for (String e : events.subList(0, events.size() - 1)) {
      JsonNode n = M.readTree(e.substring(5));
      order.add(n.has("choices") ? n.get("choices").get(0).get("index").asInt() : -1);
    }
    return order;
  }

  @Test
  void aStreamInterleavesThePromptsRoundRobinAndEndsWithOneDone() throws Exception {
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST))) {
      HttpResponse<String> r = Http.post(s.baseUrl() + "/v1/completions",
          "{\"prompt\":[\"Deep learning is\",\"GPUs are\",\"A batch\"],\"max_tokens\":3,\"stream\":true}");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream");
      assertThat(r.headers().firstValue("x-compute-characters")).hasValue(String.valueOf(16 + 8 + 7));
      List<String> ev = events(r.body());
      assertThat(ev).hasSize(10);
      assertThat(promptOrder(ev)).containsExactly(0, 1, 2, 0, 1, 2, 0, 1, 2);
      assertThat(ev.get(9)).isEqualTo("data:[DONE]");
      for (int i = 0; i < 9; i++) {
        JsonNode n = M.readTree(ev.get(i).substring(5));
        boolean last = i >= 6;
        assertThat(n.get("choices").get(0).get("finish_reason").asText()).isEqualTo(last ? "length" : "");
        assertThat(n.has("usage")).isEqualTo(last);
        if (last) assertThat(n.get("usage").get("completion_tokens").asInt()).isEqualTo(3);
      }
    }
  }

  @Test
  void aPromptThatFailsValidationEndsWithAnErrorEventInItsPlaceWhileTheOthersGoOn() throws Exception {
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST))) {
      List<String> ev = events(Http.post(s.baseUrl() + "/v1/completions",
          "{\"prompt\":[\"Deep learning is\",\"\"],\"max_tokens\":2,\"stream\":true}").body());
      assertThat(ev).hasSize(4);
      assertThat(ev).filteredOn(e -> e.startsWith("data:{\"error\""))
          .containsExactly("data:{\"error\":{\"message\":\"Input validation error: `inputs` cannot be empty\",\"http_status_code\":422}}");
      assertThat(ev).filteredOn(e -> e.contains("\"text_completion\"")).hasSize(2)
          .allSatisfy(e -> assertThat(e).contains("\"index\":0"));
      assertThat(ev.get(3)).isEqualTo("data:[DONE]");
      assertThat(s.stats().failures(ErrorKind.VALIDATION)).isEqualTo(1);
      // not streamed, the whole request is refused
      HttpResponse<String> whole = Http.post(s.baseUrl() + "/v1/completions", "{\"prompt\":[\"Deep learning is\",\"\"],\"max_tokens\":2}");
      assertThat(whole.statusCode()).isEqualTo(422);
      assertThat(M.readTree(whole.body()).get("error_type").asText()).isEqualTo("validation");
    }
  }

  @Test
  void notStreamedItAnswersOneChoicePerPromptWithUsageAndTimingHeadersSummed() throws Exception {
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST))) {
      HttpResponse<String> r = Http.post(s.baseUrl() + "/v1/completions",
          "{\"prompt\":[\"Deep learning is\",\"GPUs are\"],\"max_tokens\":3}");
      assertThat(r.statusCode()).isEqualTo(200);
      JsonNode n = M.readTree(r.body());
      assertThat(n.fieldNames()).toIterable()
          .containsExactly("object", "id", "created", "model", "system_fingerprint", "choices", "usage");
      assertThat(n.get("choices")).hasSize(2);
      List<Integer> indexes = new ArrayList<>();
      for (JsonNode c : n.get("choices")) {
        indexes.add(c.get("index").asInt());
        assertThat(c.get("finish_reason").asText()).isEqualTo("length");
        assertThat(c.get("text").asText()).isNotEmpty();
      }
      assertThat(indexes).containsExactlyInAnyOrder(0, 1);
      assertThat(n.get("usage").get("prompt_tokens").asInt()).isEqualTo(4 + 2);
      assertThat(n.get("usage").get("completion_tokens").asInt()).isEqualTo(6);
      assertThat(n.get("usage").get("total_tokens").asInt()).isEqualTo(12);
      assertThat(r.headers().firstValue("x-compute-time")).isEmpty();
      assertThat(r.headers().firstValue("x-generated-tokens")).hasValue("6");
      assertThat(r.headers().firstValue("x-prompt-tokens")).hasValue("6");
      assertThat(r.headers().firstValue("x-compute-characters")).hasValue("24");
      assertThat(r.headers().firstValue("x-total-time")).isPresent();
      assertThat(s.stats().inFlight()).isZero();
    }
  }

  @Test
  void morePromptsThanTheClientBatchSizeOrASuffixAreAnHttpErrorEvenWhenStreaming() throws Exception {
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST))) {
      for (String stream : new String[] {"false", "true"}) {
        HttpResponse<String> five = Http.post(s.baseUrl() + "/v1/completions",
            "{\"prompt\":[\"a\",\"b\",\"c\",\"d\",\"e\"],\"max_tokens\":2,\"stream\":" + stream + "}");
        assertThat(five.statusCode()).isEqualTo(422);
        assertThat(five.body()).isEqualTo(
            "{\"error\":\"Number of prompts exceeds the maximum allowed batch size of 4\",\"error_type\":\"batch size exceeded\"}");
        HttpResponse<String> suffix = Http.post(s.baseUrl() + "/v1/completions",
            "{\"prompt\":[\"a\",\"b\"],\"suffix\":\"z\",\"max_tokens\":2,\"stream\":" + stream + "}");
        assertThat(suffix.statusCode()).isEqualTo(422);
        assertThat(M.readTree(suffix.body()).get("error_type").asText()).isEqualTo("suffix not supported");
      }
      assertThat(Http.post(s.baseUrl() + "/v1/completions", "{\"prompt\":[\"a\",\"b\",\"c\",\"d\"],\"max_tokens\":2}").statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void eachPromptTakesAConcurrencyPermit() throws Exception {
    Profile p = Profiles.get(Profiles.TGI_FAST).withLimits(new Profile.Limits(2, 4095, 4096, 1_000_000, 16_384, 10_000));
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(p))) {
      HttpResponse<String> whole = Http.post(s.baseUrl() + "/v1/completions", "{\"prompt\":[\"a\",\"b\",\"c\"],\"max_tokens\":2}");
      assertThat(whole.statusCode()).isEqualTo(429);
      List<String> ev = events(Http.post(s.baseUrl() + "/v1/completions",
          "{\"prompt\":[\"a\",\"b\",\"c\"],\"max_tokens\":2,\"stream\":true}").body());
      assertThat(ev).filteredOn(e -> e.startsWith("data:{\"error\""))
          .containsExactly("data:{\"error\":{\"message\":\"Model is overloaded\",\"http_status_code\":422}}");
      assertThat(ev).filteredOn(e -> e.contains("\"text_completion\"")).hasSize(4);
      assertThat(ev.get(ev.size() - 1)).isEqualTo("data:[DONE]");
      assertThat(s.stats().rejected429()).isEqualTo(2);
      Awaits.until(java.time.Duration.ofSeconds(10), () -> s.stats().inFlight() == 0);
    }
  }
}
