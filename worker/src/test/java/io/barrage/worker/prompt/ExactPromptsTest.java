package io.barrage.worker.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExactPromptsTest {
  /** A BOS token plus one token per whitespace-separated word. */
  static final TokenCounter WORDS_WITH_BOS = t -> 1 + (t.isBlank() ? 0 : t.strip().split("\\s+").length);
  /** The simulator's tokenizer: every four code points are one token. */
  static final TokenCounter FOUR_CHARS = t -> Math.max(1, (t.codePointCount(0, t.length()) + 3) / 4);

  @Test
  void promptsHaveExactlyTheAskedTokensInAWordTokenizerWithBos() {
    ExactPrompts p = ExactPrompts.calibrate(WORDS_WITH_BOS);
    assertThat(p.specialTokens()).isEqualTo(1);
    assertThat(p.minTokens()).isEqualTo(2);
    for (int n : new int[] {2, 3, 10, 100, 1000, 4096}) {
      for (long key = 0; key < 20; key++) assertThat(WORDS_WITH_BOS.count(p.text(key * 7919, n))).isEqualTo(n);
    }
  }

  @Test
  void promptsHaveExactlyTheAskedTokensInTheSimulatorsFourCharacterTokenizer() {
    ExactPrompts p = ExactPrompts.calibrate(FOUR_CHARS);
    assertThat(p.minTokens()).isEqualTo(1);
    for (int n = 1; n < 300; n++) {
      assertThat(FOUR_CHARS.count(p.text(n * 31L, n))).as("%d tokens", n).isEqualTo(n);
    }
  }

  @Test
  void differentKeysShareNoPrefixBeyondTheKeysSpelling() {
    ExactPrompts p = ExactPrompts.calibrate(WORDS_WITH_BOS);
    Set<String> firstEleven = new HashSet<>();
    Set<String> firstTwo = new HashSet<>();
    int n = 1000;
    for (long key = 0; key < n; key++) {
      String[] w = p.text(io.barrage.worker.engine.Seeds.of(42, key), 64).split(" ");
      firstEleven.add(String.join(" ", java.util.Arrays.copyOf(w, 12)));
      firstTwo.add(w[0] + " " + w[1]);
    }
    assertThat(firstEleven).hasSize(n);
    // with ~250 words, 1000 random keys rarely share their first two words
    assertThat(firstTwo.size()).isGreaterThan(950);
  }

  @Test
  void theSameKeyGivesTheSameTextAndASharedPrefixIsCommonToAll() {
    ExactPrompts p = ExactPrompts.calibrate(WORDS_WITH_BOS);
    assertThat(p.text(5, 50)).isEqualTo(p.text(5, 50));
    ExactPrompts shared = p.withSharedPrefix(42, 20);
    String a = shared.text(1, 60), b = shared.text(2, 60);
    assertThat(WORDS_WITH_BOS.count(a)).isEqualTo(60);
    String[] wa = a.split(" "), wb = b.split(" ");
    for (int i = 0; i < 19; i++) assertThat(wa[i]).isEqualTo(wb[i]);
    assertThat(String.join(" ", java.util.Arrays.copyOfRange(wa, 19, 40)))
        .isNotEqualTo(String.join(" ", java.util.Arrays.copyOfRange(wb, 19, 40)));
  }

  @Test
  void aTokenizerThatMergesWordsIsRefusedWithTheNumbers() {
    // two words per token: nothing adds exactly one token
    TokenCounter pairs = t -> (t.strip().split("\\s+").length + 1) / 2;
    assertThatThrownBy(() -> ExactPrompts.calibrate(pairs))
        .isInstanceOf(TokenCounter.TokenizerException.class)
        .hasMessageContaining("single tokens");
  }

  @Test
  void tooShortALengthIsAnError() {
    ExactPrompts p = ExactPrompts.calibrate(WORDS_WITH_BOS);
    assertThatThrownBy(() -> p.text(1, 1)).hasMessageContaining("at least 2 tokens");
  }
}
