package io.barrage.coordinator.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.coordinator.report.model.CellSummary;
import io.barrage.coordinator.report.model.ServerSummary;
import io.barrage.coordinator.report.model.Summary;
import io.barrage.coordinator.report.model.TargetSummary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Goodput in the end-of-run table and the report's cell table; server telemetry in results.csv and the end-of-run text. */
class GoodputAndServerColumnsTest {

  @TempDir Path dir;

  /** The fixture run with each cell's goodput and server object replaced by {@code change(index, cell)}. */
  static Summary with(BiFunction<Integer, CellSummary, CellSummary> change) {
    Summary s = SummaryBuilder.summary(ResultWriterTest.run());
    List<TargetSummary> targets = new ArrayList<>();
    int i = 0;
    for (TargetSummary t : s.targets()) {
      List<CellSummary> cells = new ArrayList<>();
      for (CellSummary c : t.cells()) cells.add(change.apply(i++, c));
      targets.add(new TargetSummary(t.name(), t.api(), t.model(), t.deployment(), cells, t.capacity(), t.capacities()));
    }
    return new Summary(s.schemaVersion(), s.run(), targets, s.comparison(), s.otherComparisons(), s.recommendations(), s.eligibility(), s.capacity());
  }

  static CellSummary cell(CellSummary c, CellSummary.Goodput goodput, ServerSummary server) {
    return new CellSummary(c.id(), c.target(), c.load(), c.maxNewTokens(), c.repeat(), c.startedAt(), c.endedAt(), c.requests(), c.outputTokens(),
        c.tokens(), c.windowSeconds(), c.throughput(), c.perRequestThroughput(), c.latency(), c.cost(), c.generator(), c.slo(), c.unreachable(),
        c.status(), goodput, server, c.traffic());
  }

  static ServerSummary server(long serverTokens, long clientTokens, String note, boolean withEnergy) {
    return new ServerSummary("tgi",
        Map.of("batchSize", new ServerSummary.Series(6.5, 8.0, "requests"), "requestsWaiting", new ServerSummary.Series(1.25, 3.0, "requests"),
            "requestsRunning", new ServerSummary.Series(6.5, 8.0, "requests"), "kvCacheUsage", new ServerSummary.Series(0.4, 0.75, "ratio"),
            "queueTime", new ServerSummary.Series(12.5, 30.0, "ms")),
        serverTokens, new ServerSummary.TokenCheck(serverTokens, clientTokens, "client", serverTokens - clientTokens, serverTokens == clientTokens, note),
        withEnergy ? new ServerSummary.Energy(1536.0, 12.0, 128.0, 150.0, 768, "server", 2.0, 2.0e6, 0.5556, 8.9, "energy-counter") : null,
        List.of(new ServerSummary.Endpoint("stack", "http://127.0.0.1:9/metrics", 12, 2, List.of("connect: Connection refused"), null)),
        Map.of());
  }

  @Test
  void theEndOfRunTableShowsGoodputWhenTheScenarioSetsAThreshold() {
    Summary s = with((i, c) -> cell(c, i == 0 ? new CellSummary.Goodput(0.25, 32.0, 0.5) : null, null));
    String[] lines = SummaryText.render(s).split("\n");
    assertThat(lines[0]).contains("good/s", "good %");
    assertThat(lines[1]).startsWith("fastapi-a100").endsWith("0.25     50.0");
    assertThat(lines[2]).as("a cell without goodput").endsWith("–        –");

    String plain = SummaryText.render(with((i, c) -> cell(c, null, null)));
    assertThat(plain.split("\n")[0]).as("no column without any threshold").doesNotContain("good");
  }

  @Test
  void theReportsCellTableShowsGoodput() throws Exception {
    ResultWriter.write(ResultWriterTest.run(), dir);
    ResultSet read = ResultSet.read(dir);
    Summary s = with((i, c) -> cell(c, i == 0 ? new CellSummary.Goodput(0.25, 32.0, 0.5) : null, null));
    String html = HtmlReport.render(new ResultSet(s, read.timeline(), read.distributions()));
    String table = html.substring(html.indexOf("id=\"table-cells\""), html.indexOf("</table>", html.indexOf("id=\"table-cells\"")));
    assertThat(table).contains("<th>goodput req/s</th><th>goodput tok/s</th><th>good %</th>");
    assertThat(table).contains("<td>0.25</td><td>32.0</td><td>50.0 %</td></tr>");
    assertThat(table).contains("<td>–</td><td>–</td><td>–</td></tr>");
  }

  @Test
  void resultsCsvEndsWithTheServerTelemetryAndEnergyColumns() {
    Summary s = with((i, c) -> cell(c, null, i == 0 ? server(800, 768, null, true) : null));
    String[] lines = CsvWriter.render(s).split("\r\n");
    List<String> header = List.of(lines[0].split(","));
    int end = header.indexOf("server_samples_missing") + 1; // later additions (the probe columns) follow
    assertThat(header.subList(header.indexOf("server_stack"), end)).containsExactly("server_stack", "server_tokens", "server_client_tokens", "server_token_difference", "server_tokens_match",
        "server_batch_size_mean", "server_batch_size_max", "server_requests_waiting_mean", "server_requests_waiting_max",
        "server_requests_running_mean", "server_requests_running_max", "server_kv_cache_usage_max", "server_queue_time_mean_ms",
        "gpu_power_watts_mean", "energy_joules_per_output_token", "energy_kwh_per_1m_tokens", "server_samples_missing");
    assertThat(header.indexOf("server_stack")).as("appended after the earlier columns").isGreaterThan(header.indexOf("goodput_fraction"))
        .isGreaterThan(header.indexOf("trace_sent"));
    List<String> row = List.of(lines[1].split(",", -1));
    assertThat(row).hasSize(header.size());
    assertThat(row.subList(header.indexOf("server_stack"), end))
        .containsExactly("tgi", "800", "768", "32", "false", "6.5", "8", "1.25", "3", "6.5", "8", "0.75", "12.5", "128", "2", "0.5556", "2");
    List<String> unscraped = List.of(lines[2].split(",", -1));
    assertThat(unscraped).hasSize(header.size());
    assertThat(unscraped.subList(header.indexOf("server_stack"), end)).allMatch(String::isEmpty);
  }

  @Test
  void theEndOfRunTextWarnsOfAnUnexplainedTokenMismatchOnly() {
    String explained = "the cell had 3 failed or warm-up request(s): the server counts their tokens, barrage does not";
    Summary s = with((i, c) -> cell(c, null, switch (i) {
      case 0 -> server(800, 768, null, false);       // unexplained: warned
      case 1 -> server(900, 768, explained, false);  // explained by failed/warm-up requests: quiet
      default -> server(768, 768, null, false);      // equal: quiet
    }));
    String text = SummaryText.render(s);
    String id0 = s.targets().get(0).cells().get(0).id();
    assertThat(text).contains("WARNING: server and client output-token counts differ in 1 cell(s)",
        "  " + id0 + ": the server counted 800, barrage 768 (client), difference +32\n");
    assertThat(text).doesNotContain("counted 900").doesNotContain("counted 768");

    String clean = SummaryText.render(with((i, c) -> cell(c, null, server(768, 768, null, false))));
    assertThat(clean).doesNotContain("output-token counts differ");
  }
}
