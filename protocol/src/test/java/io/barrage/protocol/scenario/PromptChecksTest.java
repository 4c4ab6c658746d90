package io.barrage.protocol.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** workload.prompt's lengths, tokenizer, dataset format and filter: every problem with its path. */
class PromptChecksTest {
  static final String BASE = """
      name: lengths
      targets:
        - name: tgi
          api: tgi-stream
          url: http://127.0.0.1:8082
        - name: chat
          api: openai-chat
          url: http://127.0.0.1:8083/v1
      workload:
        prompt:
      PROMPT
        maxNewTokens: [64]
        load: {concurrency: [1]}
        step: {requests: 10}
      """;
  @TempDir Path dir;

  static String with(String prompt) {
    return BASE.replace("PROMPT", prompt.indent(4).stripTrailing());
  }

  InvalidScenarioException problems(String prompt) {
    return catchThrowableOfType(() -> ScenarioLoader.parse(with(prompt), dir), InvalidScenarioException.class);
  }

  @Test
  void everyDistributionBindsAndAnEmpiricalFileMustBeReadable() throws Exception {
    Files.writeString(dir.resolve("lengths.txt"), "10\n20\n");
    Scenario s = ScenarioLoader.parse(with("""
        synthetic:
          inputTokens: {distribution: empirical, file: lengths.txt, max: 4000}
          sharedPrefixTokens: 8
        outputTokens: {distribution: uniform, min: 16, max: 128}
        tokenizer: {source: target}
        exactOutput: true""").replace("url: http://127.0.0.1:8083/v1", "url: http://127.0.0.1:8083/v1\n    stack: vllm"), dir);
    assertThat(s.workload().prompt().synthetic().inputTokens().kind()).isEqualTo("empirical");
    assertThat(s.workload().prompt().outputTokens().max()).isEqualTo(128);
    assertThat(s.workload().prompt().exactOutputOrDefault()).isTrue();
    assertThat(s.targets().get(1).stackOrDefault()).isEqualTo(Stack.VLLM);
    assertThat(s.targets().get(0).stackOrDefault()).isEqualTo(Stack.TGI);

    InvalidScenarioException e = problems("""
        synthetic:
          inputTokens: {distribution: empirical, file: missing.txt}""");
    assertThat(e.problems()).extracting(ScenarioProblem::path).containsExactly("workload.prompt.synthetic.inputTokens.file");
  }

  @Test
  void eachDistributionNeedsItsOwnParameters() {
    InvalidScenarioException e = problems("""
        synthetic:
          inputTokens: {distribution: uniform, min: 10}
        outputTokens: {distribution: fixed, mean: 3}""");
    assertThat(e.problems()).extracting(ScenarioProblem::path)
        .containsExactlyInAnyOrder("workload.prompt.synthetic.inputTokens", "workload.prompt.outputTokens.value");
    e = problems("""
        synthetic:
          inputTokens: {distribution: zipf, mean: 10}""");
    assertThat(e.problems()).extracting(ScenarioProblem::path).containsExactly("workload.prompt.synthetic.inputTokens.distribution");
    e = problems("""
        synthetic:
          inputTokens: {distribution: lognormal, mean: 10, min: 20, max: 5}""");
    assertThat(e.problems()).extracting(ScenarioProblem::path).contains("workload.prompt.synthetic.inputTokens.min");
  }

  @Test
  void theTargetsTokenizerNeedsAStackThatHasOne() {
    InvalidScenarioException e = problems("""
        synthetic:
          inputTokens: {mean: 100}
        tokenizer: {source: target}""");
    assertThat(e.problems()).extracting(ScenarioProblem::path).containsExactly("targets[1].stack");
    assertThat(e.getMessage()).contains("tgi, vllm, llamacpp, openai");
    e = catchThrowableOfType(() -> ScenarioLoader.parse(with("""
        synthetic:
          inputTokens: {mean: 100}
        tokenizer: {source: target}""").replace("url: http://127.0.0.1:8083/v1", "url: http://127.0.0.1:8083/v1\n    stack: openai"), dir),
        InvalidScenarioException.class);
    assertThat(e.problems()).extracting(ScenarioProblem::path).containsExactly("targets[1].stack");
    assertThat(e.getMessage()).contains("no /tokenize");
  }

  @Test
  void aTokenizerIsASourceOrAFileAndTheFileMustBeReadable() {
    InvalidScenarioException e = problems("""
        text: hi
        tokenizer: {source: target, file: t.json}""");
    assertThat(e.problems()).extracting(ScenarioProblem::path).containsExactly("workload.prompt.tokenizer");
    e = problems("""
        text: hi
        tokenizer: {file: ../t.json}""");
    assertThat(e.problems()).extracting(ScenarioProblem::path).containsExactly("workload.prompt.tokenizer.file");
  }

  @Test
  void formatAndFilterBelongToADataset() throws Exception {
    Files.writeString(dir.resolve("c.json"), "[]");
    InvalidScenarioException e = problems("""
        text: hi
        format: sharegpt
        filter: {maxInputTokens: 10}""");
    assertThat(e.problems()).extracting(ScenarioProblem::path).containsExactlyInAnyOrder("workload.prompt.format", "workload.prompt.filter");
    e = problems("""
        dataset: c.json
        format: csv
        filter: {minOutputTokens: 50, maxOutputTokens: 10}""");
    assertThat(e.problems()).extracting(ScenarioProblem::path)
        .containsExactlyInAnyOrder("workload.prompt.format", "workload.prompt.filter.minOutputTokens");
  }
}
