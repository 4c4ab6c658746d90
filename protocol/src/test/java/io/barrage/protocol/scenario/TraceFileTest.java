package io.barrage.protocol.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.barrage.protocol.plan.CellPlanner;
import io.barrage.protocol.plan.Load;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trace files (Azure CSV, Mooncake JSONL), their bounds and errors, and how a scenario names one. */
class TraceFileTest {
  static final Path SAMPLES = Path.of("..", "examples", "traces");

  @TempDir Path dir;

  @Test
  void azureRowsBecomeOffsetsFromTheFirstArrival() throws Exception {
    Path f = dir.resolve("t.csv");
    Files.writeString(f, "TIMESTAMP,ContextTokens,GeneratedTokens\n"
        + "2023-11-16 18:15:46.6805900,374,44\n"
        + "2023-11-16 18:15:46.7000000,396,109\n\n"
        + "2023-11-16 18:15:48,879,0\n");
    TraceFile t = TraceFile.read(f, TraceSpec.Format.AZURE, "t.csv");
    assertThat(t.arrivals()).extracting(TraceFile.Arrival::offsetNanos).containsExactly(0L, 19_410_000L, 1_319_410_000L);
    assertThat(t.arrivals()).extracting(TraceFile.Arrival::inputTokens).containsExactly(374, 396, 879);
    assertThat(t.arrivals()).extracting(TraceFile.Arrival::outputTokens).containsExactly(44, 109, 0);
    assertThat(t.arrivals()).extracting(TraceFile.Arrival::line).containsExactly(2, 3, 5);
  }

  @Test
  void mooncakeLinesKeepTheirBlockHashes() throws Exception {
    TraceFile t = TraceFile.read(SAMPLES.resolve("mooncake-sample.jsonl"), TraceSpec.Format.MOONCAKE, "mooncake-sample.jsonl");
    assertThat(t.arrivals()).hasSize(24);
    assertThat(t.arrivals().get(1).offsetNanos()).isEqualTo(90_000_000L);
    assertThat(t.arrivals().get(1).hashIds()).containsExactly(10, 11, 1001);
    assertThat(t.spanNanos()).isEqualTo(2_940_000_000L);
  }

  @Test
  void aBadLineIsNamedWithItsFileAndLine() throws Exception {
    Path f = dir.resolve("bad.csv");
    Files.writeString(f, "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46,1,2\n2023-11-16 18:15:47,many,2\n");
    assertThatThrownBy(() -> TraceFile.read(f, TraceSpec.Format.AZURE, "bad.csv"))
        .hasMessage("bad.csv line 3: ContextTokens 'many' must be an integer between 1 and 1000000");
    Files.writeString(f, "time,in,out\n");
    assertThatThrownBy(() -> TraceFile.read(f, TraceSpec.Format.AZURE, "bad.csv")).hasMessageStartingWith("bad.csv line 1: expected the header");
    Path j = dir.resolve("bad.jsonl");
    Files.writeString(j, "{\"timestamp\": 1, \"input_length\": 10, \"output_length\": 2}\n{\"timestamp\": 2, \"input_length\": 10}\n");
    assertThatThrownBy(() -> TraceFile.read(j, TraceSpec.Format.MOONCAKE, "bad.jsonl"))
        .hasMessage("bad.jsonl line 2: output_length must be an integer between 0 and 1000000");
    Files.writeString(j, "{\"timestamp\": 1, \"input_length\": 10, \"output_length\": 2, \"hash_ids\": [1, 2]}\n");
    assertThatThrownBy(() -> TraceFile.read(j, TraceSpec.Format.MOONCAKE, "bad.jsonl")).hasMessageContaining("line 1: 2 hash_ids");
  }

  @Test
  void aFileOverTheBoundIsRefusedBeforeItIsRead() throws Exception {
    Path f = dir.resolve("big.csv");
    try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {'x'}), TraceFile.MAX_BYTES); // sparse: one byte past the bound
    }
    assertThatThrownBy(() -> TraceFile.read(f, TraceSpec.Format.AZURE, "big.csv")).hasMessageContaining("more than the " + TraceFile.MAX_BYTES);
  }

  static final String SCENARIO = """
      name: trace
      targets:
        - {name: sim, api: tgi-stream, url: http://127.0.0.1:8080}
      workload:
        maxNewTokens: [16]
        load: {trace: {file: %s, speedup: [1, 2.5]}}
        step: {requests: 10}
      """;

  @Test
  void aScenarioReplaysATraceAtEachSpeedupWithoutAPrompt() throws Exception {
    Scenario s = ScenarioLoader.parse(SCENARIO.formatted("azure-sample.csv"), SAMPLES);
    assertThat(CellPlanner.plan(s)).extracting(c -> c.load()).containsExactly(new Load.Trace(1), new Load.Trace(2.5));
    assertThat(CellPlanner.plan(s).get(1).id()).isEqualTo("sim/m16/trace-x2.5");
  }

  @Test
  void aTraceMayNameATokenizerAloneForExactPromptLengthsButOtherLoadsStillNeedAPrompt() throws Exception {
    String yaml = SCENARIO.formatted("azure-sample.csv").replace("  maxNewTokens: [16]\n",
        "  maxNewTokens: [16]\n  prompt: {tokenizer: {source: target}}\n");
    assertThat(ScenarioLoader.parse(yaml, SAMPLES).workload().prompt().tokenizer().source()).isEqualTo("target");
    InvalidScenarioException e = catchThrowableOfType(InvalidScenarioException.class,
        () -> ScenarioLoader.parse(yaml.replace("load: {trace: {file: azure-sample.csv, speedup: [1, 2.5]}}", "load: {rate: [5]}"), SAMPLES));
    assertThat(e.problems()).extracting(ScenarioProblem::path).contains("workload.prompt");
  }

  @Test
  void aMissingOrBrokenTraceIsAProblemAtItsPath() throws Exception {
    InvalidScenarioException e = catchThrowableOfType(InvalidScenarioException.class,
        () -> ScenarioLoader.parse(SCENARIO.formatted("../etc/passwd.csv"), SAMPLES));
    assertThat(e.problems()).extracting(ScenarioProblem::path).containsExactly("workload.load.trace.file");
    Files.writeString(dir.resolve("t.csv"), "TIMESTAMP,ContextTokens,GeneratedTokens\nyesterday,1,1\n");
    e = catchThrowableOfType(InvalidScenarioException.class, () -> ScenarioLoader.parse(SCENARIO.formatted("t.csv"), dir));
    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.path()).isEqualTo("workload.load.trace.file");
      assertThat(p.message()).contains("t.csv line 2: TIMESTAMP 'yesterday'");
    });
  }

  @Test
  void sessionsAreCheckedWithTheirPaths() {
    String yaml = """
        name: s
        targets:
          - {name: sim, api: tgi-stream, url: http://127.0.0.1:8080}
        workload:
          prompt: {text: hi}
          maxNewTokens: [16]
          load: {concurrency: [2]}
          step: {requests: 10}
          session: {turns: 3, thinkTime: 2s, thinkTimeMax: 1s}
        """;
    InvalidScenarioException e = catchThrowableOfType(InvalidScenarioException.class, () -> ScenarioLoader.parse(yaml, null));
    assertThat(e.problems()).extracting(ScenarioProblem::path)
        .containsExactlyInAnyOrder("targets[0].api", "workload.session.thinkTimeMax", "workload.step.requests");
    List<String> ok = List.of(yaml.replace("tgi-stream", "openai-chat").replace("thinkTimeMax: 1s", "thinkTimeMax: 3s").replace("requests: 10", "requests: 9"));
    assertThat(ok).allSatisfy(y -> assertThat(parseQuietly(y).workload().session().turns()).isEqualTo(3));
  }

  private static Scenario parseQuietly(String yaml) {
    try {
      return ScenarioLoader.parse(yaml, null);
    } catch (InvalidScenarioException e) {
      throw new AssertionError(e.problems().toString(), e);
    }
  }
}
