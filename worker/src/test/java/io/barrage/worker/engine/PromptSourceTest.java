package io.barrage.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrage.protocol.scenario.PromptSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptSourceTest {
  @TempDir Path dir;

  @Test
  void syntheticPromptsFollowTheLengthDistributionAndTheKey() {
    PromptSource s = PromptSource.of(new PromptSpec(null, null,
        new PromptSpec.Synthetic(new PromptSpec.TokenDistribution(100, 10, 80, 120))), null);
    double sum = 0;
    for (long k = 0; k < 500; k++) {
      int words = s.prompt(Seeds.closedLoop(42, (int) k, 0)).text().split(" ").length;
      assertThat(words).isBetween(80, 120);
      sum += words;
    }
    assertThat(sum / 500).isBetween(97.0, 103.0);
    assertThat(s.prompt(7).text()).isEqualTo(s.prompt(7).text()).isNotEqualTo(s.prompt(8).text());
  }

  @Test
  void datasetLinesCarryAnOptionalMaxNewTokens() throws IOException {
    Path f = dir.resolve("p.jsonl");
    Files.writeString(f, "{\"prompt\":\"a\"}\n\n{\"prompt\":\"b\",\"max_new_tokens\":7}\n");
    PromptSource s = PromptSource.of(new PromptSpec(null, "p.jsonl", null), dir);
    Set<String> seen = new HashSet<>();
    for (long k = 0; k < 50; k++) {
      PromptSource.Prompt p = s.prompt(Seeds.openLoop(1, k));
      seen.add(p.text());
      if (p.text().equals("b")) assertThat(p.maxNewTokens()).isEqualTo(7);
      else assertThat(p.maxNewTokens()).isNull();
    }
    assertThat(seen).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void aBadDatasetLineIsNamed() throws IOException {
    Path f = dir.resolve("bad.jsonl");
    Files.writeString(f, "{\"prompt\":\"a\"}\n{\"nope\":1}\n");
    assertThatThrownBy(() -> PromptSource.of(new PromptSpec(null, "bad.jsonl", null), dir))
        .hasMessageContaining("line 2").hasMessageContaining("prompt");
  }

  @Test
  void seedsDoNotDependOnAnythingButSeedAndIndices() {
    assertThat(Seeds.closedLoop(42, 3, 9)).isEqualTo(Seeds.closedLoop(42, 3, 9));
    assertThat(Seeds.closedLoop(42, 3, 9)).isNotEqualTo(Seeds.closedLoop(42, 4, 9)).isNotEqualTo(Seeds.closedLoop(43, 3, 9));
    assertThat(Seeds.openLoop(42, 5)).isNotEqualTo(Seeds.openLoop(42, 6));
  }
}
