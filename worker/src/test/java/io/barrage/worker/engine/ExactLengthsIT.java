package io.barrage.worker.engine;

import static io.barrage.worker.engine.EngineFixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.barrage.protocol.plan.Load;
import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.scenario.ApiKind;
import io.barrage.protocol.scenario.Arrivals;
import io.barrage.protocol.scenario.FastapiOptions;
import io.barrage.protocol.scenario.LoadSpec;
import io.barrage.protocol.scenario.PromptSpec;
import io.barrage.protocol.scenario.SessionSpec;
import io.barrage.protocol.scenario.Stack;
import io.barrage.protocol.scenario.StepSpec;
import io.barrage.protocol.scenario.Target;
import io.barrage.protocol.scenario.Workload;
import io.barrage.simulator.Profiles;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import io.barrage.simulator.TruthRecord;
import io.barrage.worker.prompt.LengthDistribution;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Prompts of exact token lengths, end to end: the lengths drawn for each request are the prompt
 * lengths the simulator counted (its truth log), whether the tokenizer is the target's own
 * {@code /tokenize} (in each stack's shape) or the simulator's tokenizer as a {@code tokenizer.json}.
 */
class ExactLengthsIT {
  static final int REQUESTS = 24;
  static final long SEED = 42;
  static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();
  static ActorSystem system;
  static LoadEngine engine;

  @BeforeAll
  static void up() {
    system = ActorSystem.create("exact-lengths-it");
    engine = new LoadEngine(system, EngineSettings.defaults());
  }

  @AfterAll
  static void down() {
    system.terminate();
  }

  static final PromptSpec.TokenDistribution LOGNORMAL = new PromptSpec.TokenDistribution(120, 80, 5, 600, "lognormal", null, null);

  static Workload workload(PromptSpec prompt) {
    return new Workload(prompt, List.of(8), new LoadSpec(null, List.of(200.0), Arrivals.CONSTANT), new StepSpec(REQUESTS, null, null),
        QUICK, SEED);
  }

  /** The lengths the requests asked for: open-loop arrival i has the key of global index i. */
  static List<Integer> expected(PromptSpec.TokenDistribution d) {
    LengthDistribution l = LengthDistribution.of(d, null, PromptSource.INPUT_SALT);
    List<Integer> out = new ArrayList<>();
    for (long i = 0; i < REQUESTS; i++) out.add(l.draw(Seeds.openLoop(SEED, i)));
    Collections.sort(out);
    return out;
  }

  static List<Integer> truthPromptTokens(SimulatorServer s) {
    await("every request in the truth log").atMost(Duration.ofSeconds(30)).until(() -> s.truth().recorded() >= REQUESTS);
    List<Integer> out = new ArrayList<>();
    for (TruthRecord r : s.truth().all()) out.add(r.promptTokens());
    Collections.sort(out);
    return out;
  }

  @ParameterizedTest(name = "{0} via {1} /tokenize")
  @CsvSource({"TGI_STREAM, tgi", "TGI, tgi", "OPENAI_COMPLETIONS, vllm", "OPENAI_COMPLETIONS, llamacpp"})
  void promptsHaveTheDrawnLengthsInTheTargetsOwnTokenizer(ApiKind api, String stack) throws Exception {
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST).withTruthInMemory(true))) {
      Target t = new Target("sim", api, s.baseUrl() + (api == ApiKind.OPENAI_COMPLETIONS ? "/v1" : ""), "m", null, null, null, null,
          null, null, null, Stack.fromYaml(stack));
      PromptSpec prompt = new PromptSpec(null, null, new PromptSpec.Synthetic(LOGNORMAL, null), null, null, null,
          new PromptSpec.TokenizerSpec("target", null), null);
      CellAggregate a = run(engine, open(t, workload(prompt), new Load.Rate(200, Arrivals.CONSTANT), 0, 1, REQUESTS, null));
      assertThat(a.ok()).isEqualTo(REQUESTS);
      assertThat(truthPromptTokens(s)).isEqualTo(expected(LOGNORMAL));
    }
  }

  @ParameterizedTest(name = "openai-chat via {0}'s templated tokenize")
  @CsvSource({"tgi", "vllm", "llamacpp"})
  void chatPromptsCountTheDrawnLengthsWithTheChatTemplateIncluded(String stack) throws Exception {
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST).withTruthInMemory(true))) {
      CellAggregate a = run(engine, open(chatTarget(s, stack), workload(targetTokenized()), new Load.Rate(200, Arrivals.CONSTANT), 0, 1,
          REQUESTS, null));
      assertThat(a.ok()).isEqualTo(REQUESTS);
      assertThat(truthPromptTokens(s)).as("the server's prompt tokens, template included").isEqualTo(expected(LOGNORMAL));
    }
  }

  @Test
  void aServerWithoutTemplatedTokenizeKeepsTheTemplateOnTopWithoutFailing() throws Exception {
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST).withTruthInMemory(true))) {
      s.templatedTokenize(false);
      CellAggregate a = run(engine, open(chatTarget(s, "tgi"), workload(targetTokenized()), new Load.Rate(200, Arrivals.CONSTANT), 0, 1,
          REQUESTS, null));
      assertThat(a.ok()).isEqualTo(REQUESTS);
      // the simulator's template: one token for the user message's marker, one for the generation prompt
      assertThat(truthPromptTokens(s)).isEqualTo(expected(LOGNORMAL).stream().map(n -> n + 2).toList());
    }
  }

  @Test
  void aSessionsSystemPromptIsPartOfTheMeasuredOverhead() throws Exception {
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST).withTruthInMemory(true))) {
      PromptSpec prompt = new PromptSpec(null, null, new PromptSpec.Synthetic(new PromptSpec.TokenDistribution(40, 0, null, null), null), null,
          null, null, new PromptSpec.TokenizerSpec("target", null), null);
      Workload w = new Workload(prompt, List.of(4), new LoadSpec(List.of(1), null, null), new StepSpec(4, null, null), QUICK, SEED,
          new SessionSpec(1, Duration.ZERO, null, "You are a terse assistant; answer in one line."));
      CellAggregate a = run(engine, closed(chatTarget(s, "vllm"), w, 1));
      assertThat(a.ok()).isEqualTo(4);
      await("four truth records").atMost(Duration.ofSeconds(10)).until(() -> s.truth().recorded() >= 4);
      assertThat(s.truth().all()).allSatisfy(r -> {
        assertThat(r.prompt()).startsWith("<|system|>\nYou are a terse assistant");
        assertThat(r.promptTokens()).as("system prompt, template and user message").isEqualTo(40);
      });
    }
  }

  static Target chatTarget(SimulatorServer s, String stack) {
    return new Target("sim-" + stack, ApiKind.OPENAI_CHAT, s.baseUrl() + "/v1", "m", null, null, null, null, null, null, null,
        Stack.fromYaml(stack));
  }

  static PromptSpec targetTokenized() {
    return new PromptSpec(null, null, new PromptSpec.Synthetic(LOGNORMAL, null), null, null, null, new PromptSpec.TokenizerSpec("target", null),
        null);
  }

  @Test
  void promptsHaveTheDrawnLengthsWithTheSimulatorsTokenizerFile() throws Exception {
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST).withTruthInMemory(true))) {
      PromptSpec.TokenDistribution uniform = new PromptSpec.TokenDistribution(null, null, 1, 900, "uniform", null, null);
      PromptSpec prompt = new PromptSpec(null, null, new PromptSpec.Synthetic(uniform, null), null, null, null,
          new PromptSpec.TokenizerSpec(null, "simulator-tokenizer.json"), null);
      CellAggregate a = run(engine, open(target("sim", ApiKind.TGI_STREAM, s.baseUrl()), workload(prompt),
          new Load.Rate(200, Arrivals.CONSTANT), 0, 1, REQUESTS, EXAMPLES));
      assertThat(a.ok()).isEqualTo(REQUESTS);
      assertThat(truthPromptTokens(s)).isEqualTo(expected(uniform));
    }
  }

  @Test
  void threeWorkersSlicesOfOneCellSendTheSameLengthsAsOneWorker() throws Exception {
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST).withTruthInMemory(true))) {
      PromptSpec prompt = new PromptSpec(null, null, new PromptSpec.Synthetic(LOGNORMAL, null), null, null, null,
          new PromptSpec.TokenizerSpec(null, "simulator-tokenizer.json"), null);
      Target t = target("sim", ApiKind.TGI_STREAM, s.baseUrl());
      long ok = 0;
      for (int slice = 0; slice < 3; slice++) {
        ok += run(engine, open(t, workload(prompt), new Load.Rate(200, Arrivals.CONSTANT), slice, 3, REQUESTS / 3, EXAMPLES)).ok();
      }
      assertThat(ok).isEqualTo(REQUESTS);
      assertThat(truthPromptTokens(s)).as("each arrival's length is a function of its global index").isEqualTo(expected(LOGNORMAL));
    }
  }

  @Test
  void aServerThatGivesNoCountHasItsTextCountedByTheTokenizerFileAsTheClientsCount() throws Exception {
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(Profiles.FASTAPI_FAST).withTruthInMemory(true))) {
      Target naive = target("naive", ApiKind.FASTAPI, s.baseUrl() + "/generate", null,
          new FastapiOptions(null, "/generated_text", "/no/count/here"), null);
      PromptSpec prompt = new PromptSpec("Tell me about tokenizers.", null, null, null, null,
          new PromptSpec.TokenDistribution(null, null, 3, 40, "uniform", null, null), new PromptSpec.TokenizerSpec(null, "simulator-tokenizer.json"), null);
      CellAggregate a = run(engine, open(naive, workload(prompt), new Load.Rate(200, Arrivals.CONSTANT), 0, 1, REQUESTS, EXAMPLES));
      assertThat(a.ok()).isEqualTo(REQUESTS);
      long truth = s.truth().all().stream().mapToLong(TruthRecord::tokens).sum();
      assertThat(a.clientCountedRequests()).isEqualTo(REQUESTS);
      assertThat(a.clientTokens()).as("the text's tokens = what the simulator generated").isEqualTo(truth);
      assertThat(a.outputTokens()).isEqualTo(truth);
      List<Integer> asked = new ArrayList<>();
      LengthDistribution out = LengthDistribution.of(new PromptSpec.TokenDistribution(null, null, 3, 40, "uniform", null, null), null,
          PromptSource.OUTPUT_SALT);
      for (long i = 0; i < REQUESTS; i++) asked.add(out.draw(Seeds.openLoop(SEED, i)));
      assertThat(truth).as("each request generated the output length drawn for it").isEqualTo(asked.stream().mapToLong(x -> x).sum());
    }
  }
}
