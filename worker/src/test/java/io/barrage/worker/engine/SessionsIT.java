package io.barrage.worker.engine;

import static io.barrage.worker.engine.EngineFixture.QUICK;
import static io.barrage.worker.engine.EngineFixture.closed;
import static io.barrage.worker.engine.EngineFixture.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.barrage.protocol.plan.CellSpec;
import io.barrage.protocol.plan.Load;
import io.barrage.protocol.plan.LoadShare;
import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.scenario.ApiKind;
import io.barrage.protocol.scenario.LoadSpec;
import io.barrage.protocol.scenario.PromptSpec;
import io.barrage.protocol.scenario.SessionSpec;
import io.barrage.protocol.scenario.ShareGptFile;
import io.barrage.protocol.scenario.StepSpec;
import io.barrage.protocol.scenario.Target;
import io.barrage.protocol.scenario.Workload;
import io.barrage.simulator.Profiles;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import io.barrage.simulator.TruthRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Multi-turn sessions against the simulator: what the server received (its truth log) shows each
 * turn's prompt holding the previous turns, the prefix cache serving that history, and the step's
 * figures counting whole sessions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionsIT {
  static final String SYSTEM = "You are a terse assistant who answers in common words only.";
  ActorSystem system;
  LoadEngine engine;
  SimulatorServer sim;

  @BeforeAll
  void up() {
    system = ActorSystem.create("sessions-it");
    engine = new LoadEngine(system, EngineSettings.defaults());
    sim = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST));
  }

  @AfterAll
  void down() {
    sim.close();
    system.terminate();
  }

  static Workload sessions(int turns, int requests, Duration think) {
    return new Workload(new PromptSpec(null, null, new PromptSpec.Synthetic(new PromptSpec.TokenDistribution(40, 0, null, null))),
        List.of(12), new LoadSpec(List.of(1), null, null), new StepSpec(requests, null, null), QUICK, 42L,
        new SessionSpec(turns, think, null, SYSTEM));
  }

  Target chat() {
    return new Target("chat", ApiKind.OPENAI_CHAT, sim.baseUrl(), "m", null, null, null, true);
  }

  @Test
  void eachTurnsPromptHoldsThePreviousTurnsAndTheirReplies() throws Exception {
    sim.truth().clear();
    CellAggregate a = run(engine, closed(chat(), sessions(3, 6, Duration.ofMillis(50)), 1));

    assertThat(a.ok()).isEqualTo(6);
    assertThat(a.errorCount()).isZero();
    await("six truth records").atMost(Duration.ofSeconds(10)).until(() -> sim.truth().all().size() == 6);
    List<TruthRecord> turns = new ArrayList<>(sim.truth().all());
    turns.sort(Comparator.comparingLong(TruthRecord::arrivalNanos));
    for (int s = 0; s < 2; s++) {
      TruthRecord first = turns.get(3 * s);
      assertThat(first.prompt()).as("session %d turn 1", s + 1).startsWith("<|system|>\n" + SYSTEM).containsOnlyOnce("<|user|>");
      for (int k = 1; k < 3; k++) {
        TruthRecord prev = turns.get(3 * s + k - 1), cur = turns.get(3 * s + k);
        String prevPrompt = prev.prompt();
        assertThat(cur.prompt()).as("session %d turn %d starts with turn %d's whole prompt", s + 1, k + 1, k).startsWith(prevPrompt);
        String added = cur.prompt().substring(prevPrompt.length());
        // then the reply the server streamed for the previous turn, then the new user message
        int replyEnd = added.indexOf("\n<|user|>\n");
        assertThat(replyEnd).as("a reply, then the next user message: %s", added).isPositive();
        assertThat(added.substring(0, replyEnd).split(" ")).as("the previous reply's tokens").hasSizeGreaterThanOrEqualTo(prev.tokens() / 2);
        assertThat(cur.prompt().split("<\\|user\\|>", -1)).hasSize(k + 2);
        // the prefix cache held the previous turn's prompt: only its last partial block and the new part are computed
        assertThat(cur.cachedTokens()).as("cached tokens of turn %d", k + 1).isGreaterThanOrEqualTo(prev.promptTokens() - 16);
        assertThat(cur.evaluatedPromptTokens()).isLessThan(cur.promptTokens() - prev.promptTokens() + 16 + 1);
      }
    }
    // a new session starts from the system prompt again, not from the old history
    assertThat(turns.get(3).prompt()).doesNotStartWith(turns.get(2).prompt());

    assertThat(a.traffic().sessionsStarted()).isEqualTo(2);
    assertThat(a.traffic().sessionsCompleted()).isEqualTo(2);
    assertThat(a.traffic().sessionsFailed()).isZero();
    assertThat(a.traffic().ttftByTurn().keySet()).containsExactly(1, 2, 3);
    assertThat(a.traffic().ttftByTurn().values()).allSatisfy(h -> assertThat(h.getTotalCount()).isEqualTo(2));
    assertThat(a.traffic().sessionLatency().getTotalCount()).isEqualTo(2);
    // a session lasts at least its two think times
    assertThat(a.traffic().sessionLatency().getMinValue()).isGreaterThanOrEqualTo(100_000);
  }

  @Test
  void workersRunWholeSessionsOfTheirQuota() throws Exception {
    sim.truth().clear();
    Workload w = sessions(2, 8, Duration.ZERO);
    Target t = chat();
    // two workers of one cell at concurrency 3 (2 + 1 users), 4 sessions split as the coordinator splits them
    Load load = new Load.Concurrency(3);
    List<LoadShare> shares = io.barrage.protocol.plan.LoadSplitter.shares(load, 8, 2, 2);
    assertThat(shares).extracting(LoadShare::requestQuota).containsExactly(6L, 2L);
    long ok = 0, sessions = 0;
    for (LoadShare s : shares) {
      StepRequest r = new StepRequest("w" + s.sliceIndex(), new CellSpec(0, "chat/m12/c3", "chat", 12, load, 1), t, w, s, 0, null);
      CellAggregate a = run(engine, r);
      ok += a.ok();
      sessions += a.traffic().sessionsCompleted();
      assertThat(a.ok()).isEqualTo(s.requestQuota());
    }
    assertThat(ok).isEqualTo(8);
    assertThat(sessions).isEqualTo(4);
    await("eight truth records").atMost(Duration.ofSeconds(10)).until(() -> sim.truth().all().size() == 8);
  }

  static final Path DATA = Path.of("..", "examples", "data");

  /** Sessions of at most 4 turns playing the sample's ShareGPT conversations; the cell asks for 200 new tokens. */
  StepRequest shareGpt(Target t, Load load, LoadShare share) {
    Workload w = new Workload(new PromptSpec(null, "conversations-sample.json", null), List.of(200), new LoadSpec(List.of(1), null, null),
        new StepSpec((int) share.requestQuota(), null, null), QUICK, 42L, new SessionSpec(4, Duration.ZERO, null, SYSTEM));
    return new StepRequest("w" + share.sliceIndex(), new CellSpec(0, "chat/m200/" + load.id(), "chat", 200, load, 1), t, w, share, 0, DATA);
  }

  /** The last user message of a chat prompt as the simulator renders it ({@code <|user|>\n...\n<|assistant|>\n}). */
  static String lastUser(String prompt) {
    int from = prompt.lastIndexOf("<|user|>\n") + "<|user|>\n".length();
    return prompt.substring(from, prompt.length() - "\n<|assistant|>\n".length());
  }

  @Test
  void aSessionPlaysADatasetConversationsHumanTurnsInOrderWithTheTargetsOwnReplies() throws Exception {
    sim.truth().clear();
    List<ShareGptFile.Conversation> dataset = ShareGptFile.read(DATA.resolve("conversations-sample.json"), "conversations-sample.json");
    Load load = new Load.Concurrency(1);
    // 10 requests: not a multiple of any conversation length, the last session is shortened to fit
    CellAggregate a = run(engine, shareGpt(chat(), load, new LoadShare(1, 0, 0, 1, 10)));

    assertThat(a.ok()).isEqualTo(10);
    assertThat(a.errorCount()).isZero();
    await("ten truth records").atMost(Duration.ofSeconds(10)).until(() -> sim.truth().all().size() == 10);
    List<TruthRecord> records = new ArrayList<>(sim.truth().all());
    records.sort(Comparator.comparingLong(TruthRecord::arrivalNanos));
    List<List<TruthRecord>> sessions = new ArrayList<>();
    for (TruthRecord r : records) {
      if (r.prompt().split("<\\|user\\|>", -1).length == 2) sessions.add(new ArrayList<>());
      sessions.get(sessions.size() - 1).add(r);
    }
    int longest = 0;
    for (int s = 0; s < sessions.size(); s++) {
      List<TruthRecord> turns = sessions.get(s);
      String opening = lastUser(turns.get(0).prompt());
      ShareGptFile.Conversation conv = dataset.stream().filter(c -> !c.turns().isEmpty() && c.turns().get(0).human().equals(opening))
          .findFirst().orElseThrow(() -> new AssertionError("a session opened with a message of no conversation: " + opening));
      int expected = Math.min(4, conv.turns().size());
      if (s < sessions.size() - 1) assertThat(turns).as("session %d plays its whole conversation (at most 4 turns)", s + 1).hasSize(expected);
      else assertThat(turns.size()).as("the last session, shortened to the quota").isBetween(1, expected);
      longest = Math.max(longest, turns.size());
      for (int k = 0; k < turns.size(); k++) {
        TruthRecord cur = turns.get(k);
        ShareGptFile.Turn turn = conv.turns().get(k);
        assertThat(cur.prompt()).as("session %d turn %d", s + 1, k + 1).startsWith("<|system|>\n" + SYSTEM);
        assertThat(lastUser(cur.prompt())).as("session %d turn %d sends the conversation's human message %d", s + 1, k + 1, k + 1)
            .isEqualTo(turn.human());
        // max_tokens is the dataset reply's length (in words without a tokenizer), not the cell's 200
        assertThat(cur.tokens()).as("session %d turn %d output", s + 1, k + 1).isBetween(1, turn.gpt().split(" ").length);
        if (k == 0) continue;
        TruthRecord prev = turns.get(k - 1);
        assertThat(cur.prompt()).as("session %d turn %d holds turn %d whole", s + 1, k + 1, k).startsWith(prev.prompt());
        String reply = cur.prompt().substring(prev.prompt().length(), cur.prompt().lastIndexOf("\n<|user|>\n"));
        // the history's assistant message is what the target streamed, not the dataset's reply
        assertThat(reply).isNotEqualTo(conv.turns().get(k - 1).gpt());
        assertThat(reply.split(" ")).as("the previous reply's tokens").hasSizeGreaterThanOrEqualTo(prev.tokens() / 2);
        assertThat(cur.cachedTokens()).as("cached tokens of turn %d", k + 1).isGreaterThanOrEqualTo(prev.promptTokens() - 16);
      }
    }
    assertThat(longest).as("some session went past two turns").isGreaterThan(2);
    assertThat(a.traffic().sessionsStarted()).isEqualTo(sessions.size());
    assertThat(a.traffic().sessionsCompleted()).isEqualTo(sessions.size());
    assertThat(a.traffic().ttftByTurn().get(1).getTotalCount()).isEqualTo(sessions.size());
  }

  @Test
  void workersSendExactlyTheirQuotaOfConversationsOfVariedLength() throws Exception {
    sim.truth().clear();
    Load load = new Load.Concurrency(3);
    // conversations of 2 to 4 turns split in requests, not sessions: 11 over two workers
    List<LoadShare> shares = io.barrage.protocol.plan.LoadSplitter.shares(load, 11, 2, 1);
    assertThat(shares).extracting(LoadShare::requestQuota).containsExactly(7L, 4L);
    long ok = 0;
    for (LoadShare s : shares) {
      CellAggregate a = run(engine, shareGpt(chat(), load, s));
      assertThat(a.ok()).as("worker %d's quota", s.sliceIndex()).isEqualTo(s.requestQuota());
      assertThat(a.errorCount()).isZero();
      ok += a.ok();
    }
    assertThat(ok).isEqualTo(11);
    await("eleven truth records").atMost(Duration.ofSeconds(10)).until(() -> sim.truth().all().size() == 11);
  }

  @Test
  void aFilterThatLeavesNoSecondTurnFailsTheStepBeforeItSends(@TempDir Path dir) throws Exception {
    sim.truth().clear();
    Files.writeString(dir.resolve("c.json"), """
        [{"conversations": [{"from": "human", "value": "short"}, {"from": "gpt", "value": "a reply"},
                            {"from": "human", "value": "a second message longer than the filter allows"}, {"from": "gpt", "value": "b"}]}]
        """);
    Workload w = new Workload(new PromptSpec(null, "c.json", null, null, new PromptSpec.LengthFilter(null, 3, null, null), null, null, null),
        List.of(8), new LoadSpec(List.of(1), null, null), new StepSpec(4, null, null), QUICK, 42L, new SessionSpec(2, Duration.ZERO, null, null));
    assertThatThrownBy(() -> run(engine, closed(chat(), w, 1, dir)))
        .hasMessageContaining("dataset c.json: no conversation has a second turn inside workload.prompt.filter");
    assertThat(sim.truth().all()).isEmpty();
  }
}
