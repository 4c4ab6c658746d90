package io.barrage.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code POST /tokenize}: the simulator's tokenizer in TGI's, vLLM's and llama.cpp's shapes, consistent with its prompt counts. */
class TokenizeTest {
  static final ObjectMapper M = new ObjectMapper();
  static SimulatorServer server;

  @BeforeAll
  static void start() {
    server = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST).withTruthInMemory(true));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void tgiShapeListsEveryTokenWithItsTextAndCodePointOffsets() throws Exception {
    HttpResponse<String> r = Http.post(server.baseUrl() + "/tokenize", "{\"inputs\":\"What is deep learning? 日本\"}");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode tokens = M.readTree(r.body());
    // 25 code points: 7 tokens of at most four
    assertThat(tokens).hasSize(7);
    assertThat(tokens.get(0).get("text").asText()).isEqualTo("What");
    assertThat(tokens.get(0).get("start").asInt()).isZero();
    assertThat(tokens.get(0).get("stop").asInt()).isEqualTo(4);
    assertThat(tokens.get(5).get("text").asText()).isEqualTo("g? 日");
    assertThat(tokens.get(6).get("text").asText()).isEqualTo("本");
    assertThat(tokens.get(6).get("stop").asInt()).isEqualTo(25);
    StringBuilder joined = new StringBuilder();
    for (JsonNode t : tokens) joined.append(t.get("text").asText());
    assertThat(joined.toString()).isEqualTo("What is deep learning? 日本");
  }

  @Test
  void vllmAndLlamaCppShapesCountTheSameTokens() throws Exception {
    JsonNode vllm = M.readTree(Http.post(server.baseUrl() + "/tokenize", "{\"model\":\"m\",\"prompt\":\"What is deep learning?\"}").body());
    assertThat(vllm.get("count").asInt()).isEqualTo(6);
    assertThat(vllm.get("tokens")).hasSize(6);
    assertThat(vllm.get("max_model_len").asInt()).isPositive();
    JsonNode llama = M.readTree(Http.post(server.baseUrl() + "/tokenize", "{\"content\":\"What is deep learning?\"}").body());
    assertThat(llama.get("tokens")).hasSize(6);
    assertThat(llama.get("tokens").get(0).isInt()).isTrue();
    JsonNode pieces = M.readTree(Http.post(server.baseUrl() + "/tokenize",
        "{\"content\":\"What is deep learning?\",\"with_pieces\":true}").body());
    assertThat(pieces.get("tokens").get(1).get("piece").asText()).isEqualTo(" is ");
  }

  @Test
  void aBodyOfNoKnownShapeIsRefusedAsTgiWould() {
    HttpResponse<String> r = Http.post(server.baseUrl() + "/tokenize", "{\"text\":\"x\"}");
    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(r.body()).contains("missing field `inputs`");
  }

  @Test
  void theTruthLogsPromptLengthIsWhatTokenizeCounted() throws Exception {
    String prompt = "The quick brown fox jumps over the lazy dog, twice over.";
    int counted = M.readTree(Http.post(server.baseUrl() + "/tokenize", "{\"inputs\":\"" + prompt + "\"}").body()).size();
    Http.post(server.baseUrl() + "/generate", "{\"inputs\":\"" + prompt + "\",\"parameters\":{\"max_new_tokens\":4}}",
        TruthLog.REQUEST_ID_HEADER, "tok-1");
    await("the truth record of tok-1").atMost(Duration.ofSeconds(10)).until(() -> server.truth().get("tok-1").isPresent());
    assertThat(server.truth().get("tok-1").orElseThrow().promptTokens()).isEqualTo(counted).isEqualTo(14);
  }

  @Test
  void aChatCostsItsContentsPlusOneTokenPerMessageAndOneForTheGenerationPrompt() throws Exception {
    String messages = "[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"What is deep learning?\"}]";
    // "Be brief." 3 tokens, "What is deep learning?" 6, two messages, one generation prompt
    int expected = 3 + 6 + 2 + 1;
    JsonNode vllm = M.readTree(Http.post(server.baseUrl() + "/tokenize", "{\"model\":\"m\",\"messages\":" + messages
        + ",\"add_generation_prompt\":true}").body());
    assertThat(vllm.get("count").asInt()).isEqualTo(expected);
    JsonNode tgi = M.readTree(Http.post(server.baseUrl() + "/chat_tokenize", "{\"model\":\"m\",\"messages\":" + messages + "}").body());
    assertThat(tgi.get("tokenize_response")).hasSize(expected);
    assertThat(tgi.get("templated_text").asText()).isEqualTo("<|system|>\nBe brief.\n<|user|>\nWhat is deep learning?\n<|assistant|>\n");
    String templated = M.readTree(Http.post(server.baseUrl() + "/apply-template", "{\"messages\":" + messages + "}").body()).get("prompt").asText();
    assertThat(templated).isEqualTo(tgi.get("templated_text").asText());
    assertThat(M.readTree(Http.post(server.baseUrl() + "/tokenize", M.writeValueAsString(M.createObjectNode().put("content", templated))).body())
        .get("tokens")).hasSize(expected);
    Http.post(server.baseUrl() + "/v1/chat/completions", "{\"model\":\"m\",\"max_tokens\":2,\"messages\":" + messages + "}",
        TruthLog.REQUEST_ID_HEADER, "chat-1");
    await("the truth record of chat-1").atMost(Duration.ofSeconds(10)).until(() -> server.truth().get("chat-1").isPresent());
    assertThat(server.truth().get("chat-1").orElseThrow().promptTokens()).isEqualTo(expected);
  }

  @Test
  void generatedTextCountsAsManyTokensAsWereGenerated() throws Exception {
    JsonNode n = M.readTree(Http.post(server.baseUrl() + "/generate",
        "{\"inputs\":\"x\",\"parameters\":{\"max_new_tokens\":37,\"details\":true}}").body());
    String text = n.get("generated_text").asText();
    int counted = M.readTree(Http.post(server.baseUrl() + "/tokenize", M.writeValueAsString(M.createObjectNode().put("inputs", text))).body()).size();
    assertThat(counted).isEqualTo(n.get("details").get("generated_tokens").asInt()).isEqualTo(37);
  }
}
