package io.barrage.worker.engine;

import static io.barrage.worker.engine.EngineFixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.barrage.protocol.plan.CellSpec;
import io.barrage.protocol.plan.Load;
import io.barrage.protocol.plan.LoadShare;
import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.scenario.ApiKind;
import io.barrage.protocol.scenario.LoadSpec;
import io.barrage.protocol.scenario.PromptSpec;
import io.barrage.protocol.scenario.StepSpec;
import io.barrage.protocol.scenario.Target;
import io.barrage.protocol.scenario.TraceFile;
import io.barrage.protocol.scenario.TraceSpec;
import io.barrage.protocol.scenario.Workload;
import io.barrage.simulator.Profiles;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import io.barrage.simulator.TruthRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Trace replay with a tokenizer, end to end: every prompt the simulator counted (its truth log) has
 * exactly its trace row's input length, for the Azure and the Mooncake sample, with the simulator's
 * tokenizer as a {@code tokenizer.json} and through its {@code /tokenize}; Mooncake rows that share
 * a first hash id share their first block of text.
 */
class TraceExactLengthsIT {
  static final Path EXAMPLES = Path.of("..", "examples").toAbsolutePath().normalize();
  static ActorSystem system;
  static LoadEngine engine;

  @BeforeAll
  static void up() {
    system = ActorSystem.create("trace-exact-it");
    engine = new LoadEngine(system, EngineSettings.defaults());
  }

  @AfterAll
  static void down() {
    system.terminate();
  }

  @ParameterizedTest(name = "{0} with tokenizer {1}")
  @CsvSource({"traces/azure-sample.csv, file", "traces/mooncake-sample.jsonl, file", "traces/mooncake-sample.jsonl, target"})
  void everyPromptHasExactlyItsRowsInputLength(String file, String source) throws Exception {
    TraceSpec spec = new TraceSpec(file, null, List.of(8.0));
    List<TraceFile.Arrival> rows = TraceFile.load(spec, EXAMPLES).arrivals();
    int n = rows.size();
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST).withTruthInMemory(true))) {
      Target t = target("sim", ApiKind.TGI_STREAM, s.baseUrl());
      PromptSpec.TokenizerSpec tok = source.equals("file") ? new PromptSpec.TokenizerSpec(null, "simulator-tokenizer.json")
          : new PromptSpec.TokenizerSpec("target", null);
      PromptSpec prompt = new PromptSpec(null, null, null, null, null, null, tok, null);
      Workload w = new Workload(prompt, List.of(8), new LoadSpec(null, null, null, null, null, null, spec), new StepSpec(n, null, null),
          QUICK, 42L);
      Load load = new Load.Trace(8.0);
      StepRequest r = new StepRequest("w0", new CellSpec(0, "sim/m8/" + load.id(), "sim", 8, load, 1), t, w,
          new LoadShare(0, 0, 0, 1, n), 0, EXAMPLES);
      CellAggregate a = run(engine, r);
      assertThat(a.ok()).isEqualTo(n);
      await("every request in the truth log").atMost(Duration.ofSeconds(30)).until(() -> s.truth().recorded() >= n);
      java.util.Collection<TruthRecord> truth = s.truth().all();
      assertThat(truth.stream().map(TruthRecord::promptTokens).sorted().toList())
          .as("the simulator's prompt lengths are the trace's input lengths")
          .isEqualTo(rows.stream().map(TraceFile.Arrival::inputTokens).sorted().toList());
      assertThat(truth.stream().map(TruthRecord::prompt).distinct().count()).isEqualTo(n);
      // 512 tokens = 2048 characters in the simulator's tokenizer
      int block = TraceFile.MOONCAKE_BLOCK_TOKENS * 4;
      Set<Long> firstIds = new HashSet<>();
      for (TraceFile.Arrival row : rows) if (row.hashIds().length > 0 && row.inputTokens() >= TraceFile.MOONCAKE_BLOCK_TOKENS) firstIds.add(row.hashIds()[0]);
      Set<String> firstBlocks = new HashSet<>();
      for (TruthRecord tr : truth) if (tr.prompt().length() >= block) firstBlocks.add(tr.prompt().substring(0, block));
      if (!firstIds.isEmpty()) assertThat(firstBlocks).as("one first block per first hash id").hasSize(firstIds.size());
    }
  }
}
