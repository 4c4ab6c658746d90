package io.barrage.worker.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tokenizer.json files read through DJL's binding of the Rust tokenizers library, offline. */
class HfTokenizerFileTest {
  static final Path EXAMPLES = Path.of("..", "examples");
  static final Path RESOURCES = Path.of("src", "test", "resources", "tokenizers");

  @Test
  void theSimulatorsTokenizerFileCountsAsTheSimulatorDoes() {
    try (HfTokenizerFile t = HfTokenizerFile.open(EXAMPLES.resolve("simulator-tokenizer.json"), "simulator-tokenizer.json")) {
      for (String s : new String[] {"a", "abcd", "abcde", "What is deep learning?", "naïve café 日本語 ok", "line\nbreak\ttab  "}) {
        int codePoints = s.codePointCount(0, s.length());
        assertThat(t.count(s)).as(s).isEqualTo((codePoints + 3) / 4);
      }
    }
  }

  @Test
  void specialTokensOfThePostProcessorAreCounted() {
    try (HfTokenizerFile t = HfTokenizerFile.open(RESOURCES.resolve("words-with-bos.json"), "words-with-bos.json")) {
      assertThat(t.count("the and unknown words")).isEqualTo(5);
      ExactPrompts p = ExactPrompts.calibrate(t);
      assertThat(p.specialTokens()).isEqualTo(1);
      for (int n : new int[] {2, 9, 512}) assertThat(t.count(p.text(n, n))).isEqualTo(n);
    }
  }

  @Test
  void longTextsAreCountedWhole() {
    try (HfTokenizerFile t = HfTokenizerFile.open(RESOURCES.resolve("words-with-bos.json"), "words-with-bos.json")) {
      assertThat(t.count("the ".repeat(3000))).as("no truncation at the library's default 512").isEqualTo(3001);
    }
  }

  @Test
  void aFileThatIsNotATokenizerIsNamed(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"model\": 1}");
    assertThatThrownBy(() -> HfTokenizerFile.open(bad, "bad.json")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tokenizer file bad.json");
  }
}
