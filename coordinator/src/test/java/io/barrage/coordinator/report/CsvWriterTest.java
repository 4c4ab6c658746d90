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
  void quotesFieldsThatNeedIt() {
    assertThat(CsvWriter.quote("a,b")).isEqualTo("\"a,b\"");
    assertThat(CsvWriter.quote("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    assertThat(CsvWriter.quote("plain")).isEqualTo("plain");
    assertThat(CsvWriter.quote(null)).isEmpty();
  }
}
