package io.barrage.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrage.protocol.scenario.PromptSpec;
import io.barrage.protocol.scenario.ShareGptFile;
import io.barrage.worker.prompt.TokenCounter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A ShareGPT dataset's conversations as the turns of multi-turn sessions. */
class DatasetConversationsTest {
  static final Path DATA = Path.of("..", "examples", "data");
  static final TokenCounter FOUR_CHARS = t -> (t.codePointCount(0, t.length()) + 3) / 4;

  @TempDir Path dir;

  static PromptSpec sample(PromptSpec.LengthFilter filter, PromptSpec.TokenDistribution out) {
    return new PromptSpec(null, "conversations-sample.json", null, null, filter, out, null, null);
  }

  static List<String> texts(List<PromptSource.Prompt> c) {
    return c.stream().map(PromptSource.Prompt::text).toList();
  }

  @Test
  void aSessionPlaysTheConversationItsFirstKeyPicksWithEachReplysLengthAsItsOutput() {
    PromptSource s = PromptSource.of(sample(null, null), DATA);
    assertThat(s.longestConversation()).isEqualTo(4);
    Set<Integer> lengths = new HashSet<>();
    for (long k = 0; k < 200; k++) {
      List<PromptSource.Prompt> c = s.conversation(Seeds.closedLoop(5, 0, k), 64);
      // its first turn is the prompt a request with the same key gets: sampled as datasets are
      assertThat(c.get(0)).isEqualTo(s.prompt(Seeds.closedLoop(5, 0, k)));
      assertThat(c).allSatisfy(t -> assertThat(t.maxNewTokens()).isPositive());
      lengths.add(c.size());
    }
    assertThat(lengths).containsExactlyInAnyOrder(2, 3, 4);
    // the garden conversation, turn by turn, with its replies' lengths in words (no tokenizer)
    List<PromptSource.Prompt> garden = conversationStarting(s, "I want to grow vegetables", 64);
    assertThat(texts(garden)).endsWith("How often should I water the containers?", "And what about feeding them?",
        "Which of those can I sow first this spring?");
    assertThat(garden.get(3).maxNewTokens()).isEqualTo("Radishes and lettuce: both tolerate cool nights, and radishes are ready to pull in about a month."
        .split(" ").length);
    // session.turns caps a conversation
    assertThat(conversationStarting(s, "I want to grow vegetables", 2)).hasSize(2);
  }

  static List<PromptSource.Prompt> conversationStarting(PromptSource s, String start, int maxTurns) {
    for (long k = 0; k < 10_000; k++) {
      List<PromptSource.Prompt> c = s.conversation(k, maxTurns);
      if (c.get(0).text().startsWith(start)) return c;
    }
    throw new AssertionError("no key picks " + start);
  }

  @Test
  void theFilterAppliesToEveryTurnAndCutsAConversationBeforeItsFirstTurnOutside() throws Exception {
    Files.writeString(dir.resolve("c.json"), """
        [{"conversations": [{"from": "human", "value": "one two three"}, {"from": "gpt", "value": "a b c d"},
                            {"from": "human", "value": "four five six"}, {"from": "gpt", "value": "e f g h"},
                            {"from": "human", "value": "a much longer message of eight words"}, {"from": "gpt", "value": "i j k l"},
                            {"from": "human", "value": "seven eight nine"}, {"from": "gpt", "value": "m n o p"}]},
         {"conversations": [{"from": "human", "value": "this opening message is far too long"}, {"from": "gpt", "value": "q r s t"},
                            {"from": "human", "value": "ten"}, {"from": "gpt", "value": "u v w x"}]}]
        """);
    List<ShareGptFile.Conversation> read = ShareGptFile.read(dir.resolve("c.json"), "c.json");
    DatasetConversations c = DatasetConversations.of(read, new PromptSpec.LengthFilter(null, 5, null, null), null, "c.json");
    assertThat(c.size()).isEqualTo(1);
    assertThat(texts(c.pick(17, 64))).containsExactly("one two three", "four five six");
    assertThat(c.pick(17, 64)).extracting(PromptSource.Prompt::maxNewTokens).containsExactly(4, 4);
    assertThat(c.firstTurns()).extracting(PromptSource.Prompt::text).containsExactly("one two three");

    // lengths in the tokenizer's tokens when there is one
    DatasetConversations t = DatasetConversations.of(read, null, FOUR_CHARS, "c.json");
    assertThat(t.pick(0, 64).get(0).inputTokens()).isEqualTo(FOUR_CHARS.count("one two three"));

    assertThatThrownBy(() -> DatasetConversations.of(read, new PromptSpec.LengthFilter(100, null, null, null), null, "c.json"))
        .hasMessageContaining("dataset c.json: none of its 2 entries is inside workload.prompt.filter");
  }

  @Test
  void anOutputDistributionReplacesEachTurnsLength() {
    PromptSource s = PromptSource.of(sample(null, new PromptSpec.TokenDistribution(null, null, null, null, "fixed", 33, null)), DATA);
    List<PromptSource.Prompt> c = s.conversation(3, 64);
    for (int k = 1; k <= c.size(); k++) assertThat(s.turn(c, k, 100 + k).maxNewTokens()).isEqualTo(33);
    // a source that is no ShareGPT dataset has no conversations: each turn takes a new prompt
    PromptSource jsonl = PromptSource.of(new PromptSpec(null, "prompts-sample.jsonl", null), DATA);
    assertThat(jsonl.conversation(3, 64)).isNull();
    assertThat(jsonl.longestConversation()).isZero();
  }
}
