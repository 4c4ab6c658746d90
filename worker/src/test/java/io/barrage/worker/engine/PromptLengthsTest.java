package io.barrage.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrage.protocol.scenario.PromptSpec;
import io.barrage.worker.prompt.ExactPrompts;
import io.barrage.worker.prompt.TokenCounter;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** PromptSource with a tokenizer: dataset lengths and filters in tokens, output lengths, the same choices for every target. */
class PromptLengthsTest {
  static final Path DATA = Path.of("..", "examples", "data");
  static final TokenCounter FOUR_CHARS = t -> (t.codePointCount(0, t.length()) + 3) / 4;

  static PromptSpec dataset(String file, PromptSpec.LengthFilter filter, PromptSpec.TokenDistribution out) {
    return new PromptSpec(null, file, null, null, filter, out, new PromptSpec.TokenizerSpec(null, "t.json"), null);
  }

  @Test
  void shareGptRepliesGiveTheOutputLengthInTheTokenizersTokens() {
    PromptSource s = PromptSource.of(dataset("conversations-sample.json", null, null), DATA, FOUR_CHARS, null);
    assertThat(s.entries()).isEqualTo(14);
    for (long k = 0; k < 50; k++) {
      PromptSource.Prompt p = s.prompt(Seeds.openLoop(3, k));
      assertThat(p.inputTokens()).isEqualTo(FOUR_CHARS.count(p.text()));
      assertThat(p.maxNewTokens()).isPositive();
    }
  }

  @Test
  void theFilterKeepsOnlyEntriesWithinItsBoundsAndAnEmptySelectionIsNamed() {
    PromptSource s = PromptSource.of(dataset("conversations-sample.json", new PromptSpec.LengthFilter(12, null, null, 20), null),
        DATA, FOUR_CHARS, null);
    assertThat(s.entries()).isBetween(1, 13);
    for (long k = 0; k < 50; k++) {
      PromptSource.Prompt p = s.prompt(k);
      assertThat(p.inputTokens()).isGreaterThanOrEqualTo(12);
      assertThat(p.maxNewTokens()).isLessThanOrEqualTo(20);
    }
    assertThatThrownBy(() -> PromptSource.of(dataset("conversations-sample.json", new PromptSpec.LengthFilter(5000, null, null, null), null),
        DATA, FOUR_CHARS, null)).hasMessageContaining("none of its 14 entries");
  }

  @Test
  void anOutputDistributionReplacesEveryOtherOutputLength() {
    PromptSource s = PromptSource.of(dataset("prompts-sample.jsonl", null,
        new PromptSpec.TokenDistribution(null, null, null, null, "fixed", 99, null)), DATA, FOUR_CHARS, null);
    for (long k = 0; k < 20; k++) assertThat(s.prompt(k).maxNewTokens()).isEqualTo(99);
  }

  @Test
  void twoTargetsGetTheSamePromptsAndLengthsForTheSameKeys() {
    PromptSpec spec = new PromptSpec(null, null, new PromptSpec.Synthetic(new PromptSpec.TokenDistribution(200, 50, 10, 400, "lognormal", null, null)),
        null, null, new PromptSpec.TokenDistribution(null, null, 8, 64, "uniform", null, null), new PromptSpec.TokenizerSpec(null, "t.json"), null);
    PromptSource a = PromptSource.of(spec, null, FOUR_CHARS, ExactPrompts.calibrate(FOUR_CHARS));
    PromptSource b = PromptSource.of(spec, null, FOUR_CHARS, ExactPrompts.calibrate(FOUR_CHARS));
    Set<String> texts = new HashSet<>();
    for (long i = 0; i < 200; i++) {
      long key = Seeds.openLoop(42, i);
      assertThat(a.prompt(key)).isEqualTo(b.prompt(key));
      assertThat(FOUR_CHARS.count(a.prompt(key).text())).isEqualTo(a.prompt(key).inputTokens());
      texts.add(a.prompt(key).text());
    }
    assertThat(texts).hasSize(200);
  }
}
