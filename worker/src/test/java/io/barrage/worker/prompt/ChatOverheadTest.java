package io.barrage.worker.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrage.worker.client.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The chat template's overhead: measured on two lengths, refused when not constant, applied to exact prompts. */
class ChatOverheadTest {
  /** A word tokenizer with BOS. */
  static final TokenCounter WORDS_WITH_BOS = ExactPromptsTest.WORDS_WITH_BOS;

  /** A ChatML-like template: BOS, then per message a start marker, the role, the content (its words), an end marker; the generation prompt's two tokens. */
  static OptionalInt chatml(List<ChatMessage> messages) {
    int n = 1;
    for (ChatMessage m : messages) n += 3 + WORDS_WITH_BOS.count(m.content()) - 1;
    return OptionalInt.of(n + 2);
  }

  @Test
  void theOverheadIsTheTemplatedCountLessThePlainOne() {
    ExactPrompts exact = ExactPrompts.calibrate(WORDS_WITH_BOS);
    // plain: BOS + words; templated: BOS + 3 per message + words + 2 → overhead 3 + 2 = 5
    assertThat(ChatOverhead.measure(ChatOverheadTest::chatml, exact, List.of(), "sim")).hasValue(5);
    // a system prompt of 3 words adds its 3 + 3 markers
    List<ChatMessage> system = List.of(new ChatMessage("system", "Be very brief."));
    assertThat(ChatOverhead.measure(ChatOverheadTest::chatml, exact, system, "sim")).hasValue(11);
  }

  @Test
  void theFixedMessagesGoBeforeTheUserMessageInEveryMeasurement() {
    ExactPrompts exact = ExactPrompts.calibrate(WORDS_WITH_BOS);
    List<List<ChatMessage>> asked = new ArrayList<>();
    Function<List<ChatMessage>, OptionalInt> spy = m -> {
      asked.add(m);
      return chatml(m);
    };
    ChatOverhead.measure(spy, exact, List.of(new ChatMessage("system", "S")), "sim");
    assertThat(asked).hasSize(2).allSatisfy(m -> {
      assertThat(m).hasSize(2);
      assertThat(m.get(0)).isEqualTo(new ChatMessage("system", "S"));
      assertThat(m.get(1).role()).isEqualTo("user");
    });
    assertThat(WORDS_WITH_BOS.count(asked.get(0).get(1).content())).isEqualTo(ChatOverhead.LENGTHS[0]);
    assertThat(WORDS_WITH_BOS.count(asked.get(1).get(1).content())).isEqualTo(ChatOverhead.LENGTHS[1]);
  }

  @Test
  void anOverheadThatDependsOnTheLengthIsRefusedNamingTheTarget() {
    ExactPrompts exact = ExactPrompts.calibrate(WORDS_WITH_BOS);
    // a template whose text merges with the content: one token more for odd lengths
    Function<List<ChatMessage>, OptionalInt> merging = m -> {
      int words = WORDS_WITH_BOS.count(m.get(m.size() - 1).content());
      return OptionalInt.of(words + 4 + (words % 2));
    };
    assertThatThrownBy(() -> ChatOverhead.measure(merging, exact, List.of(), "vllm-a"))
        .isInstanceOf(TokenCounter.TokenizerException.class)
        .hasMessageContaining("target vllm-a")
        .hasMessageContaining("adds 4 tokens to a user message of 32 tokens but 5 to one of 97");
  }

  @Test
  void aTargetWithoutATemplatedRouteHasNoOverhead() {
    ExactPrompts exact = ExactPrompts.calibrate(WORDS_WITH_BOS);
    assertThat(ChatOverhead.measure(m -> OptionalInt.empty(), exact, List.of(), "old-tgi")).isEmpty();
  }

  @Test
  void exactPromptsForAChatTemplateAreShorterByTheOverheadSoTheServerCountsN() {
    ExactPrompts exact = ExactPrompts.calibrate(WORDS_WITH_BOS).withChatTemplate(5);
    assertThat(exact.minTokens()).isEqualTo(1 + 1 + 5);
    for (int n : new int[] {7, 8, 40, 333}) {
      String user = exact.text(n * 31L, n);
      assertThat(chatml(List.of(new ChatMessage("user", user)))).as("templated tokens of a prompt built for %d", n).hasValue(n);
    }
    ExactPrompts shared = exact.withSharedPrefix(7, 12);
    assertThat(chatml(List.of(new ChatMessage("user", shared.text(3, 50))))).hasValue(50);
    assertThat(shared.text(3, 50)).startsWith(shared.text(4, 50).substring(0, 20));
    // a trace row's prompt of blocks too
    String blocks = exact.blocks(101, new long[] {1, 2, 3}, 32, 4);
    assertThat(chatml(List.of(new ChatMessage("user", blocks)))).hasValue(101);
  }
}
