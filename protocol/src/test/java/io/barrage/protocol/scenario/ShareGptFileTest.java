package io.barrage.protocol.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.barrage.protocol.plan.Load;
import io.barrage.protocol.plan.LoadShare;
import io.barrage.protocol.plan.LoadSplitter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ShareGPT conversations as turns, and the checks of sessions that play them. */
class ShareGptFileTest {
  static final Path DATA = Path.of("..", "examples", "data");

  @TempDir Path dir;

  static ShareGptFile.Conversation byFirstWords(List<ShareGptFile.Conversation> all, String start) {
    return all.stream().filter(c -> !c.turns().isEmpty() && c.turns().get(0).human().startsWith(start)).findFirst().orElseThrow();
  }

  @Test
  void aConversationsTurnsAreItsHumanMessagesEachWithTheGptReplyRightAfterIt() {
    List<ShareGptFile.Conversation> all = ShareGptFile.read(DATA.resolve("conversations-sample.json"), "conversations-sample.json");
    assertThat(all).hasSize(16);
    ShareGptFile.Conversation garden = byFirstWords(all, "I want to grow vegetables");
    assertThat(garden.turns()).extracting(ShareGptFile.Turn::human)
        .containsExactly(garden.turns().get(0).human(), "How often should I water the containers?", "And what about feeding them?",
            "Which of those can I sow first this spring?");
    assertThat(garden.turns().get(1).gpt()).startsWith("Check the soil every morning");
    // a last human message nobody answered is no turn
    ShareGptFile.Conversation trip = byFirstWords(all, "Can you help me plan a three day trip");
    assertThat(trip.turns()).hasSize(3).last().extracting(ShareGptFile.Turn::human).isEqualTo("Is October too rainy for that?");
    // a greeting before the first human message is skipped
    ShareGptFile.Conversation quiz = byFirstWords(all, "Give me one simple arithmetic question.");
    assertThat(quiz.turns()).extracting(ShareGptFile.Turn::human).containsExactly("Give me one simple arithmetic question.", "Fifty-six.", "Twelve.");
    // no reply at all, or no human message at all: no turn
    assertThat(all).filteredOn(c -> c.turns().isEmpty()).hasSize(2);
    assertThat(all.get(0).line()).isEqualTo(2);
  }

  @Test
  void theTurnsEndAtTheFirstMessageThatBreaksThePattern() throws Exception {
    Path f = dir.resolve("c.json");
    Files.writeString(f, """
        [{"conversations": [{"from": "human", "value": "a"}, {"from": "gpt", "value": "b"},
                            {"from": "human", "value": "c"}, {"from": "human", "value": "d"}, {"from": "gpt", "value": "e"}]},
         {"conversations": [{"from": "human", "value": "f"}, {"from": "gpt", "value": ""}, {"from": "human", "value": "g"}]}]
        """);
    List<ShareGptFile.Conversation> all = ShareGptFile.read(f, "c.json");
    assertThat(all.get(0).turns()).containsExactly(new ShareGptFile.Turn("a", "b"));
    assertThat(all.get(1).turns()).isEmpty();
    assertThat(all.get(1).line()).isEqualTo(3);
    Files.writeString(f, "{\"conversations\": []}");
    assertThatThrownBy(() -> ShareGptFile.read(f, "c.json")).hasMessageContaining("c.json line 1: a ShareGPT file is a JSON array");
  }

  @Test
  void userAndAssistantRolesAndTheRoleContentSpellingAreReadAsHumanAndGptWithSystemSkipped() throws Exception {
    Path f = dir.resolve("chat.json");
    Files.writeString(f, """
        [{"conversations": [{"role": "system", "content": "Be brief."},
                            {"role": "user", "content": "a"}, {"role": "assistant", "content": "b"},
                            {"role": "user", "content": "c"}, {"role": "assistant", "content": "d"}]},
         {"conversations": [{"from": "system", "value": "Be kind."}, {"from": "user", "value": "e"},
                            {"from": "assistant", "value": "f"}, {"from": "human", "value": "g"}, {"from": "gpt", "value": "h"}]},
         {"conversations": [{"role": "user", "content": "i"}, {"role": "system", "content": "j"}, {"role": "assistant", "content": "k"}]},
         {"conversations": [{"role": "tool", "content": "l"}, {"role": "assistant", "content": "m"}]}]
        """);
    List<ShareGptFile.Conversation> all = ShareGptFile.read(f, "chat.json");
    assertThat(all.get(0).turns()).containsExactly(new ShareGptFile.Turn("a", "b"), new ShareGptFile.Turn("c", "d"));
    // the two spellings of roles may be mixed in one conversation
    assertThat(all.get(1).turns()).containsExactly(new ShareGptFile.Turn("e", "f"), new ShareGptFile.Turn("g", "h"));
    // a system message between a question and its answer breaks the pattern; other roles are no turns
    assertThat(all.get(2).turns()).isEmpty();
    assertThat(all.get(3).turns()).isEmpty();
  }

  static final String SESSIONS = """
      name: s
      targets:
        - {name: chat, api: openai-chat, url: http://127.0.0.1:8080}
      workload:
        prompt: {dataset: %s}
        maxNewTokens: [16]
        load: {concurrency: [2]}
        step: {requests: 10}
        session: {turns: 3}
      """;

  @Test
  void sessionsPlayingConversationsNeedOneWithASecondTurnAndAnyRequestCount() throws Exception {
    Files.writeString(dir.resolve("single.json"), """
        [{"conversations": [{"from": "human", "value": "hi"}, {"from": "gpt", "value": "hello"}, {"from": "human", "value": "bye"}]},
         {"conversations": [{"from": "human", "value": "one"}, {"from": "gpt", "value": "two"}]}]
        """);
    InvalidScenarioException e = catchThrowableOfType(InvalidScenarioException.class,
        () -> ScenarioLoader.parse(SESSIONS.formatted("single.json"), dir));
    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.path()).isEqualTo("workload.prompt.dataset");
      assertThat(p.message()).contains("none of its 2 conversations has a second human turn");
    });
    Files.writeString(dir.resolve("none.json"), "[{\"conversations\": [{\"from\": \"gpt\", \"value\": \"hello\"}]}]");
    e = catchThrowableOfType(InvalidScenarioException.class, () -> ScenarioLoader.parse(SESSIONS.formatted("none.json"), dir));
    assertThat(e.problems()).singleElement().satisfies(p -> assertThat(p.message()).contains("none of its 1 conversations has a human turn"));
    Files.writeString(dir.resolve("bad.json"), "[\n{\"conversations\": [}]");
    e = catchThrowableOfType(InvalidScenarioException.class, () -> ScenarioLoader.parse(SESSIONS.formatted("bad.json"), dir));
    assertThat(e.problems()).singleElement().satisfies(p -> assertThat(p.message()).contains("bad.json line 2: not valid JSON"));

    // one-turn sessions need no second turn; the sample has long conversations, and 10 need not be a multiple of 3
    assertThat(ScenarioLoader.parse(SESSIONS.formatted("single.json").replace("turns: 3", "turns: 1"), dir).workload().session().turns())
        .isEqualTo(1);
    Files.copy(DATA.resolve("conversations-sample.json"), dir.resolve("sample.json"));
    Scenario sample = ScenarioLoader.parse(SESSIONS.formatted("sample.json"), dir);
    assertThat(sample.workload().step().requests()).isEqualTo(10);
    // so the coordinator splits them in requests, not in sessions of 3
    assertThat(LoadSplitter.granule(sample.workload())).isEqualTo(1);
    assertThat(LoadSplitter.shares(new Load.Concurrency(2), 10, 2, LoadSplitter.granule(sample.workload())))
        .extracting(LoadShare::requestQuota).containsExactly(5L, 5L);
    // sessions from a JSONL dataset or synthetic prompts still run whole sessions of exactly 3 turns
    Files.writeString(dir.resolve("p.jsonl"), "{\"prompt\": \"hi\"}\n");
    e = catchThrowableOfType(InvalidScenarioException.class, () -> ScenarioLoader.parse(SESSIONS.formatted("p.jsonl"), dir));
    assertThat(e.problems()).extracting(ScenarioProblem::path).containsExactly("workload.step.requests");
    Scenario jsonl = ScenarioLoader.parse(SESSIONS.formatted("p.jsonl").replace("requests: 10", "requests: 9"), dir);
    assertThat(LoadSplitter.granule(jsonl.workload())).isEqualTo(3);
  }
}
