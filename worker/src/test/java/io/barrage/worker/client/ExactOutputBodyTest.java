package io.barrage.worker.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.barrage.protocol.scenario.ApiKind;
import io.barrage.protocol.scenario.Stack;
import io.barrage.protocol.scenario.Target;
import org.junit.jupiter.api.Test;

/** Which output-length parameters each stack is sent, and the /tokenize body of each. */
class ExactOutputBodyTest {
  static final ObjectMapper M = new ObjectMapper();

  static JsonNode body(ApiKind api, Stack stack, boolean exact) throws Exception {
    ApiClient c = ApiClient.of(new Target("t", api, "http://127.0.0.1:1", "m", null, null, null, null, null, null, null, stack));
    c.exactOutput(exact);
    return M.readTree(c.body("hi", 77, 1));
  }

  @Test
  void vllmGetsIgnoreEosAndMinTokensLlamaCppIgnoreEosOthersNothing() throws Exception {
    JsonNode vllm = body(ApiKind.OPENAI_COMPLETIONS, Stack.VLLM, true);
    assertThat(vllm.get("ignore_eos").asBoolean()).isTrue();
    assertThat(vllm.get("min_tokens").asInt()).isEqualTo(77);
    assertThat(vllm.get("max_tokens").asInt()).isEqualTo(77);
    JsonNode llama = body(ApiKind.OPENAI_CHAT, Stack.LLAMACPP, true);
    assertThat(llama.get("ignore_eos").asBoolean()).isTrue();
    assertThat(llama.has("min_tokens")).isFalse();
    for (JsonNode n : new JsonNode[] {body(ApiKind.OPENAI_CHAT, Stack.OPENAI, true), body(ApiKind.OPENAI_CHAT, null, true),
        body(ApiKind.TGI_STREAM, null, true), body(ApiKind.OPENAI_COMPLETIONS, Stack.VLLM, false)}) {
      assertThat(n.has("ignore_eos")).isFalse();
      assertThat(n.has("min_tokens")).isFalse();
    }
  }

  @Test
  void tokenizeBodiesAskForSpecialTokensInEachStacksWords() throws Exception {
    TokenizeClient tgi = TokenizeClient.of(new Target("t", ApiKind.TGI, "http://h:1", "m", null, null, null, null));
    assertThat(tgi.uri().toString()).isEqualTo("http://h:1/tokenize");
    assertThat(M.readTree(tgi.body("x", 0, 0)).get("inputs").asText()).isEqualTo("x");
    TokenizeClient vllm = TokenizeClient.of(new Target("t", ApiKind.OPENAI_CHAT, "http://h:1/v1", "m", null, null, null, null, null, null, null, Stack.VLLM));
    assertThat(vllm.uri().toString()).isEqualTo("http://h:1/tokenize");
    JsonNode v = M.readTree(vllm.body("x", 0, 0));
    assertThat(v.get("prompt").asText()).isEqualTo("x");
    assertThat(v.get("add_special_tokens").asBoolean()).isTrue();
    TokenizeClient llama = TokenizeClient.of(new Target("t", ApiKind.OPENAI_COMPLETIONS, "http://h:1/", "m", null, null, null, null, null, null, null,
        Stack.LLAMACPP));
    JsonNode l = M.readTree(llama.body("x", 0, 0));
    assertThat(l.get("content").asText()).isEqualTo("x");
    assertThat(l.get("add_special").asBoolean()).isTrue();
  }
}
