package io.barrage.worker.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Byte sequences from docs/protocols.md. */
class StreamEventTest {
  final StreamEvent e = new StreamEvent();

  void read(String s) throws IOException {
    byte[] b = s.getBytes(UTF_8);
    e.read(b, b.length);
  }

  @Test
  void tgiIntermediateEvent() throws IOException {
    read("{\"index\":1,\"token\":{\"id\":363,\"text\":\" for\",\"logprob\":-1.5351562,\"special\":false},\"generated_text\":null,\"details\":null}");
    assertThat(e.token).isTrue();
    assertThat(e.finalEvent).isFalse();
    assertThat(e.serverTokens).isEqualTo(-1);
    assertThat(e.error).isFalse();
  }

  @Test
  void tgiFinalEventCarriesTheServerCount() throws IOException {
    read("{\"index\":10,\"token\":{\"id\":128009,\"text\":\"<|eot_id|>\",\"logprob\":-0.0021,\"special\":true},"
        + "\"generated_text\":\" for /api/v1/projects/1\",\"details\":{\"finish_reason\":\"eos_token\",\"generated_tokens\":10,\"seed\":null,\"input_length\":7}}");
    assertThat(e.token).isTrue();
    assertThat(e.finalEvent).isTrue();
    assertThat(e.serverTokens).isEqualTo(10);
  }

  @Test
  void tgiErrorEvent() throws IOException {
    read("{\"error\":\"Model is overloaded\",\"error_type\":\"overloaded\"}");
    assertThat(e.error).isTrue();
    assertThat(e.errorMessage).isEqualTo("Model is overloaded");
  }

  @Test
  void openAiErrorObject() throws IOException {
    read("{\"error\":{\"message\":\"Model is overloaded\",\"http_status_code\":422}}");
    assertThat(e.error).isTrue();
    assertThat(e.errorMessage).isEqualTo("Model is overloaded");
  }

  @Test
  void roleOnlyFirstChunkCarriesNoToken() throws IOException {
    read("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}");
    assertThat(e.content).isFalse();
    assertThat(e.choices).isEqualTo(1);
  }

  @Test
  void tgiChatChunkWithRoleAndContentCarriesAToken() throws IOException {
    read("{\"object\":\"chat.completion.chunk\",\"id\":\"\",\"created\":1741265133,\"model\":\"m\",\"system_fingerprint\":\"3.3.6-dev0-native\","
        + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"OK\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}");
    assertThat(e.content).isTrue();
    assertThat(e.serverTokens).isEqualTo(-1);
  }

  @Test
  void usageOnlyChunkCarriesTheCountButNoToken() throws IOException {
    read("{\"object\":\"chat.completion.chunk\",\"id\":\"\",\"created\":1,\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":26,\"completion_tokens\":3,\"total_tokens\":29}}");
    assertThat(e.content).isFalse();
    assertThat(e.choices).isZero();
    assertThat(e.serverTokens).isEqualTo(3);
  }

  @Test
  void finishOnlyChunkCarriesNoToken() throws IOException {
    read("{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}");
    assertThat(e.content).isFalse();
    assertThat(e.finished).isTrue();
  }

  @Test
  void completionsChunkWithEmptyStringFinishReason() throws IOException {
    read("{\"object\":\"text_completion\",\"id\":\"\",\"created\":1,\"choices\":[{\"index\":0,\"text\":\" Deep\",\"logprobs\":null,\"finish_reason\":\"\"}],\"model\":\"m\",\"system_fingerprint\":\"x\"}");
    assertThat(e.content).isTrue();
    assertThat(e.finished).isFalse();
  }

  @Test
  void doneSentinel() throws IOException {
    read("[DONE]");
    assertThat(e.done).isTrue();
    read(" [DONE]");
    assertThat(e.done).isTrue();
  }

  @Test
  void fieldsAreResetBetweenEvents() throws IOException {
    read("{\"error\":\"x\"}");
    read("{\"choices\":[{\"delta\":{\"content\":\"a\"}}]}");
    assertThat(e.error).isFalse();
    assertThat(e.content).isTrue();
  }

  @Test
  void malformedJsonIsAnError() {
    assertThatThrownBy(() -> read("{\"token\":")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> read("not json")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> read("[1,2]")).isInstanceOf(IOException.class);
  }
}
