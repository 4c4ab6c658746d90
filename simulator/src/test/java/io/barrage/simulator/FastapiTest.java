package io.barrage.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The FastAPI-style baseline: TGI's body and response shape on one route, FastAPI's own errors. */
class FastapiTest {
  static final ObjectMapper M = new ObjectMapper();
  static SimulatorServer server;

  @BeforeAll
  static void start() {
    server = SimulatorServer.start(SimulatorConfig.loopback(Profiles.FASTAPI_FAST));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void generateReturnsTheWholeTextWithGeneratedTokensWhenDetailsAreAsked() throws Exception {
    HttpResponse<String> r = Http.post(server.baseUrl() + "/generate",
        "{\"inputs\":\"What is deep learning?\",\"parameters\":{\"max_new_tokens\":16,\"details\":true}}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-queue-time")).isEmpty();
    JsonNode n = M.readTree(r.body());
    assertThat(n.get("generated_text").asText()).isNotBlank();
    assertThat(n.get("details").get("generated_tokens").asInt()).isEqualTo(16);
    assertThat(n.get("details").get("finish_reason").asText()).isEqualTo("length");
    HttpResponse<String> plain = Http.post(server.baseUrl() + "/generate", "{\"inputs\":\"x\",\"parameters\":{\"max_new_tokens\":3}}");
    assertThat(M.readTree(plain.body()).has("details")).isFalse();
  }

  @Test
  void servesOnlyGenerateAndHealth() {
    assertThat(Http.get(server.baseUrl() + "/health").statusCode()).isEqualTo(200);
    HttpResponse<String> stream = Http.post(server.baseUrl() + "/generate_stream", "{\"inputs\":\"x\"}");
    assertThat(stream.statusCode()).isEqualTo(404);
    assertThat(stream.body()).isEqualTo("{\"detail\":\"Not Found\"}");
    assertThat(Http.get(server.baseUrl() + "/info").statusCode()).isEqualTo(404);
  }

  @Test
  void missingInputsIsAFastapiValidationError() throws Exception {
    HttpResponse<String> r = Http.post(server.baseUrl() + "/generate", "{\"parameters\":{}}");
    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(M.readTree(r.body()).get("detail").get(0).get("loc").get(0).asText()).isEqualTo("body");
  }

  @Test
  void neverRefusesForConcurrency() {
    assertThat(server.profile().limits().maxConcurrentRequests()).isZero();
    assertThat(server.stats().rejected429()).isZero();
  }
}
