package io.barrage.coordinator.report;

import static io.barrage.coordinator.report.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.barrage.protocol.metrics.ErrorClass;
import io.barrage.protocol.results.CellRecord;
import io.barrage.protocol.results.RunOutcome;
import io.barrage.protocol.results.RunRecord;
import io.barrage.protocol.results.WorkerEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultWriterTest {

  /**
   * fastapi at c300: 2 workers, 12 ok, 1536 tokens over a 12 s window (128 tok/s, 1 req/s), e2e
   * 40 s, send lag 5 ms (budget 50). tgi at c300: 60 ok, 7680 tokens in 12 s (640 tok/s), e2e 8 s,
   * send lag 80 ms (saturated), two 503s (within the scenario's 5 % error limit). One worker lost
   * during the tgi cell. tgi at c1 measured nothing.
   */
  static RunRecord run() {
    double[] slowE2e = {40_000, 40_000, 40_000, 40_000, 40_000, 40_000};
    double[] fastE2e = new double[30];
    java.util.Arrays.fill(fastE2e, 8_000);
    CellRecord fastapi = Fixtures.cellRecord(0, "fastapi-a100", 128, 300, 12.0, 50,
        Fixtures.report("w1", "fastapi-a100/m128/c300", 0, T0, 6, 768, Map.of(), slowE2e, new double[] {312.5}, new double[] {5}, 150),
        Fixtures.report("w2", "fastapi-a100/m128/c300", 0, T0, 6, 768, Map.of(), slowE2e, new double[] {312.5}, new double[] {5}, 150));
    CellRecord tgi = Fixtures.cellRecord(1, "tgi-2xa4000", 128, 300, 12.0, 50,
        Fixtures.report("w1", "tgi-2xa4000/m128/c300", 0, T0 + 20_000, 30, 3840, Map.of(ErrorClass.HTTP_STATUS, 2L), fastE2e, new double[] {62.5}, new double[] {80}, 150),
        Fixtures.report("w2", "tgi-2xa4000/m128/c300", 0, T0 + 20_000, 30, 3840, Map.of(), fastE2e, new double[] {62.5}, new double[] {80}, 150),
        // a duplicate resend must not count twice
        Fixtures.report("w2", "tgi-2xa4000/m128/c300", 0, T0 + 20_000, 30, 3840, Map.of(), fastE2e, new double[] {62.5}, new double[] {80}, 150));
    CellRecord empty = Fixtures.cellRecord(2, "tgi-2xa4000", 128, 1, 0.0, 50);
    // 2 errors in 62 (3.2 %): allowed by this scenario's maxErrorRate, so tgi stays in the verdicts
    return new RunRecord("run-1", Fixtures.scenario("slo: {maxErrorRate: 0.05}\n"), T0, T0 + 60_000, new RunOutcome.Degraded("worker w2 lost"), 2,
        List.of(new WorkerEvent("w2", WorkerEvent.Kind.LOST, T0 + 25_000, "tgi-2xa4000/m128/c300", 0.5, 3, "unreachable")),
        List.of(fastapi, tgi, empty));
  }

  @Test
  void summaryJsonFollowsTheSchemaWithHandComputedFigures(@TempDir Path dir) throws Exception {
    ResultWriter.write(run(), dir);
    JsonNode s = Json.MAPPER.readTree(dir.resolve("summary.json").toFile());
    assertThat(s.get("schemaVersion").asInt()).isEqualTo(1);
    assertThat(s.at("/run/id").asText()).isEqualTo("run-1");
    assertThat(s.at("/run/scenario").asText()).isEqualTo("fixture");
    assertThat(s.at("/run/outcome").asText()).isEqualTo("degraded");
    assertThat(s.at("/run/outcomeReason").asText()).isEqualTo("worker w2 lost");
    assertThat(s.at("/run/workers/planned").asInt()).isEqualTo(2);
    assertThat(s.at("/run/workers/lost/0/workerId").asText()).isEqualTo("w2");
    assertThat(s.at("/run/workers/lost/0/capacityShare").asDouble()).isEqualTo(0.5);
    assertThat(s.at("/run/startedAt").asText()).isEqualTo("2023-11-14T22:13:20Z");

    JsonNode fa = s.at("/targets/0");
    assertThat(fa.get("name").asText()).isEqualTo("fastapi-a100");
    assertThat(fa.at("/deployment/usdPerHour").asDouble()).isEqualTo(4.10);
    JsonNode c = fa.at("/cells/0");
    assertThat(c.at("/load/concurrency").asInt()).isEqualTo(300);
    assertThat(c.get("maxNewTokens").asInt()).isEqualTo(128);
    assertThat(c.at("/requests/ok").asLong()).isEqualTo(12);
    assertThat(c.get("outputTokens").asLong()).isEqualTo(1536);
    assertThat(c.get("windowSeconds").asDouble()).isEqualTo(12.0);
    assertThat(c.at("/throughput/outputTokensPerSecond").asDouble()).isEqualTo(128.0);
    assertThat(c.at("/throughput/requestsPerSecond").asDouble()).isEqualTo(1.0);
    // 128 tokens in 40 s each: 3.2 tokens/s per request, beside the cell's 128 tokens/s
    assertThat(c.at("/perRequestThroughput/count").asLong()).isEqualTo(12);
    assertThat(c.at("/perRequestThroughput/mean").asDouble()).isCloseTo(3.2, org.assertj.core.api.Assertions.within(0.004)); // 3 digits
    assertThat(c.at("/perRequestThroughput/p99").asDouble()).isCloseTo(3.2, org.assertj.core.api.Assertions.within(0.004));
    assertThat(c.at("/latency").has("perRequestThroughput")).as("a rate is not a latency").isFalse();
    assertThat(c.at("/latency/e2e/count").asLong()).isEqualTo(12);
    assertThat(c.at("/latency/e2e/p50").asDouble()).isCloseTo(40_000, within(40.0));
    assertThat(c.at("/latency/ntpot/p99").asDouble()).isCloseTo(312.5, within(0.4));
    for (String m : List.of("ttft", "ttftSched", "e2e", "e2eEnd", "tpot", "itl", "ntpot", "serverTpot", "queue", "sendLag")) {
      assertThat(c.at("/latency/" + m).fieldNames()).toIterable()
          .containsExactly("count", "mean", "min", "max", "p50", "p90", "p95", "p99", "p999");
    }
    // 1e6 / 128 / 60 = 130.2083 min; 4.10 × 130.2083 / 60 = 8.8976 USD
    assertThat(c.at("/cost/minutesPer1MTokens").asDouble()).isCloseTo(130.2083, within(0.0001));
    assertThat(c.at("/cost/usdPer1MTokens").asDouble()).isCloseTo(8.8976, within(0.0001));
    assertThat(c.at("/generator/saturated").asBoolean()).isFalse();
    assertThat(c.at("/generator/sendLagP99Ms").asDouble()).isCloseTo(5.0, within(0.01));
    assertThat(c.at("/generator/workers").asInt()).isEqualTo(2);

    JsonNode t = s.at("/targets/1/cells/0");
    assertThat(t.at("/requests/ok").asLong()).as("duplicate report ignored").isEqualTo(60);
    assertThat(t.at("/requests/errors/http").asLong()).isEqualTo(2);
    assertThat(t.at("/requests/httpStatuses/503").asLong()).isEqualTo(2);
    assertThat(t.at("/requests/errorRate").asDouble()).isCloseTo(2.0 / 62, within(1e-6));
    assertThat(t.at("/throughput/outputTokensPerSecond").asDouble()).isEqualTo(640.0);
    assertThat(t.at("/generator/saturated").asBoolean()).isTrue();

    JsonNode empty = s.at("/targets/1/cells/1");
    assertThat(empty.at("/throughput/outputTokensPerSecond").isNull()).as("no window, no throughput").isTrue();
    assertThat(empty.at("/cost/usdPer1MTokens").isNull()).isTrue();

    assertThat(s.at("/comparison/baseline").asText()).isEqualTo("fastapi-a100");
    assertThat(s.at("/comparison/candidate").asText()).isEqualTo("tgi-2xa4000");
    assertThat(s.at("/comparison/cells/0/throughputRatio").asDouble()).isEqualTo(5.0);
    assertThat(s.at("/comparison/headline").asText())
        .isEqualTo("tgi-2xa4000: 5.0× the tokens/s and 5.0× lower median latency than fastapi-a100 at 300 concurrent requests (128 new tokens)");
    assertThat(s.at("/recommendations/mostCostEffective/target").asText()).isEqualTo("tgi-2xa4000");
    assertThat(s.at("/recommendations/mostCostEffective/note").asText()).contains("nearest measured level, 300");
  }

  /** A cell whose target was down for 2.5 s: two workers saw it, one request was retried on a fresh connection. */
  static RunRecord outage() {
    var base = Fixtures.report("w1", "fastapi-a100/m128/c4", 0, T0, 6, 768, Map.of(ErrorClass.CONNECT, 9L),
        new double[] {1_000}, new double[] {10}, new double[] {1}, 0);
    var c = base.counters();
    var w1 = new io.barrage.protocol.metrics.IntervalReport("w1", base.cellId(), 0, T0, T0 + 1000, base.histograms(),
        new io.barrage.protocol.metrics.IntervalCounters(c.started(), c.ok(), c.errors(), c.httpStatuses(), c.outputTokens(),
            c.clientTokens(), 0, 0, 0, 0, c.firstMeasuredStartNanosEpoch(), c.lastMeasuredEndNanosEpoch(), 1,
            List.of(new io.barrage.protocol.metrics.UnreachableSpan(T0 + 500, T0 + 1000, 5)),
            Map.of(ErrorClass.CONNECT, List.of("Connection refused")), c.clientCountedRequests(), c.arrivedTokens()), false);
    var w2 = new io.barrage.protocol.metrics.IntervalReport("w2", base.cellId(), 0, T0 + 1000, T0 + 3000, Map.of(),
        new io.barrage.protocol.metrics.IntervalCounters(4, 0, Map.of(ErrorClass.CONNECT, 4L), Map.of(), 0, 0, 0, 0, 0, 0, -1, -1, 0,
            List.of(new io.barrage.protocol.metrics.UnreachableSpan(T0 + 1000, T0 + 3000, 4)),
            Map.of(ErrorClass.CONNECT, List.of("Connection refused", "connect timed out after 10000 ms")), 0, 0), false);
    CellRecord cell = Fixtures.cellRecord(0, "fastapi-a100", 128, 4, 10.0, 50, w1, w2);
    return new RunRecord("run-2", Fixtures.scenario(""), T0, T0 + 10_000, new RunOutcome.Completed(), 2, List.of(), List.of(cell));
  }

  @Test
  void anOutageIsReportedWithItsSpanAttemptsAndMessages(@TempDir Path dir) throws Exception {
    ResultWriter.write(outage(), dir);
    JsonNode cell = Json.MAPPER.readTree(dir.resolve("summary.json").toFile()).at("/targets/0/cells/0");
    assertThat(cell.at("/unreachable")).hasSize(1);
    assertThat(cell.at("/unreachable/0/from").asText()).isEqualTo("2023-11-14T22:13:20.500Z");
    assertThat(cell.at("/unreachable/0/seconds").asDouble()).isEqualTo(2.5);
    assertThat(cell.at("/unreachable/0/failedAttempts").asLong()).isEqualTo(9);
    assertThat(cell.at("/requests/errors/connect").asLong()).isEqualTo(13);
    assertThat(cell.at("/requests/errorMessages/connect").toString())
        .isEqualTo("[\"Connection refused\",\"connect timed out after 10000 ms\"]");
    assertThat(cell.at("/generator/retries").asLong()).isEqualTo(1);
    String html = Files.readString(dir.resolve("report.html"));
    assertThat(html).contains("id=\"alert-unreachable\"").contains("9 failed connection attempt(s)")
        .contains("id=\"table-error-messages\"").contains("<code>Connection refused</code>").contains("1 retried");
    Files.delete(dir.resolve("report.html"));
    ResultWriter.render(ResultSet.read(dir), dir);
    assertThat(Files.readString(dir.resolve("report.html"))).as("rendered again from summary.json alone").isEqualTo(html);
  }

  @Test
  void writesEveryResultFileAndReRendersIdentically(@TempDir Path dir) throws Exception {
    ResultWriter.write(run(), dir);
    for (String f : List.of("summary.json", "timeline.json", "distributions.json", "results.csv", "report.html")) {
      assertThat(dir.resolve(f)).isNotEmptyFile();
    }
    String csv = Files.readString(dir.resolve("results.csv"));
    String html = Files.readString(dir.resolve("report.html"));
    Files.delete(dir.resolve("results.csv"));
    Files.delete(dir.resolve("report.html"));
    ResultWriter.render(ResultSet.read(dir), dir);
    assertThat(Files.readString(dir.resolve("results.csv"))).isEqualTo(csv);
    assertThat(Files.readString(dir.resolve("report.html"))).isEqualTo(html);
  }

  @Test
  void timelineKeepsEveryWorkerIntervalOnce(@TempDir Path dir) throws Exception {
    ResultWriter.write(run(), dir);
    JsonNode t = Json.MAPPER.readTree(dir.resolve("timeline.json").toFile());
    assertThat(t.at("/cells/1/points")).hasSize(2);
    assertThat(t.at("/cells/1/points/0/inFlight").asInt()).isEqualTo(150);
  }
}
