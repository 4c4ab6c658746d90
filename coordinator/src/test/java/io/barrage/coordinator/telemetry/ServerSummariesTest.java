package io.barrage.coordinator.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.barrage.common.prometheus.PrometheusTextParser;
import io.barrage.coordinator.report.model.ServerSummary;
import io.barrage.coordinator.report.model.Timeline;
import io.barrage.protocol.results.ServerTelemetry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** From scrapes to a cell's server object: the arithmetic a reader of summary.json relies on. */
class ServerSummariesTest {
  private static ServerTelemetry.Sample stack(long ms, Map<String, Double> v) {
    return new ServerTelemetry.Sample(ms, "stack", v);
  }

  private static ServerTelemetry.Sample gpu(long ms, Map<String, Double> v) {
    return new ServerTelemetry.Sample(ms, "dcgm", v);
  }

  private static ServerTelemetry telemetry(List<ServerTelemetry.Sample> samples) {
    return new ServerTelemetry("vllm", List.of(new ServerTelemetry.Endpoint("stack", "http://h/metrics", samples.size(), samples.size(), List.of(), null)),
        samples, Map.of());
  }

  @Test
  void gaugesAreAveragedCountersDifferencedAndHistogramsGiveTheMeanOfTheirDeltas() {
    ServerTelemetry t = telemetry(List.of(
        stack(0, Map.of("batchSize", 0.0, "tokensGenerated", 1000.0, "queueTime.sum", 10.0, "queueTime.count", 5.0)),
        stack(1000, Map.of("batchSize", 4.0, "tokensGenerated", 1300.0, "queueTime.sum", 10.5, "queueTime.count", 6.0)),
        stack(2000, Map.of("batchSize", 2.0, "tokensGenerated", 1400.0, "queueTime.sum", 11.1, "queueTime.count", 9.0))));
    ServerSummary s = ServerSummaries.of(t, 400, 400L, 0, 0.25);
    assertThat(s.series().get("batchSize").mean()).isEqualTo(2.0);
    assertThat(s.series().get("batchSize").max()).isEqualTo(4.0);
    assertThat(s.tokensGenerated()).isEqualTo(400);
    assertThat(s.series().get(ServerSummaries.TOKENS_PER_SECOND).mean()).isEqualTo(200.0);
    assertThat(s.series().get(ServerSummaries.TOKENS_PER_SECOND).max()).isEqualTo(300.0);
    // 1.1 s over 4 requests = 275 ms; the intervals: 500 ms, then 0.6 s / 3 = 200 ms
    assertThat(s.series().get("queueTime").mean()).isCloseTo(275.0, within(1e-6));
    assertThat(s.series().get("queueTime").max()).isCloseTo(500.0, within(1e-6));
    assertThat(s.tokenCheck().match()).isTrue();
    assertThat(s.tokenCheck().clientSource()).isEqualTo("client");
    assertThat(s.energy()).isNull();
    List<Timeline.ServerPoint> points = ServerSummaries.points(t);
    assertThat(points).hasSize(3);
    assertThat(points.get(1).values()).containsEntry(ServerSummaries.TOKENS_PER_SECOND, 300.0).containsEntry("queueTime", 500.0);
  }

  @Test
  void aServerThatCountsDifferentlyIsReportedWithTheDifferenceAndACounterRestartCountsFromZero() {
    ServerTelemetry t = telemetry(List.of(stack(0, Map.of("tokensGenerated", 500.0)), stack(1000, Map.of("tokensGenerated", 40.0)),
        stack(2000, Map.of("tokensGenerated", 90.0))));
    ServerSummary s = ServerSummaries.of(t, 80, null, 0, null);
    assertThat(s.tokensGenerated()).isEqualTo(90); // restarted: 40 after the restart, then 50 more
    assertThat(s.tokenCheck()).isEqualTo(new ServerSummary.TokenCheck(90, 80, "outputTokens", 10, false, null));
    ServerSummary withErrors = ServerSummaries.of(t, 80, null, 3, null);
    assertThat(withErrors.tokenCheck().note()).contains("3 failed or warm-up request(s)");
  }

  @Test
  void energyComesFromTheCounterElseFromPowerOverTimeAndIsDividedByTheServersTokens() {
    ServerTelemetry withCounter = telemetry(List.of(stack(0, Map.of("tokensGenerated", 0.0)), stack(4000, Map.of("tokensGenerated", 2000.0)),
        gpu(0, Map.of("gpuPowerWatts", 100.0, "gpuEnergyJoules", 5000.0)), gpu(4000, Map.of("gpuPowerWatts", 300.0, "gpuEnergyJoules", 5800.0))));
    ServerSummary.Energy e = ServerSummaries.of(withCounter, 1990, null, 0, 1.2).energy();
    assertThat(e.source()).isEqualTo("energy-counter");
    assertThat(e.joules()).isEqualTo(800.0);
    assertThat(e.tokensSource()).isEqualTo("server");
    assertThat(e.joulesPerOutputToken()).isEqualTo(0.4);
    assertThat(e.joulesPer1MTokens()).isEqualTo(400_000.0);
    assertThat(e.kWhPer1MTokens()).isCloseTo(0.111111, within(1e-6));
    assertThat(e.meanPowerWatts()).isEqualTo(200.0);
    assertThat(e.usdPer1MTokens()).isEqualTo(1.2);

    ServerTelemetry powerOnly = telemetry(List.of(gpu(0, Map.of("gpuPowerWatts", 100.0)), gpu(2000, Map.of("gpuPowerWatts", 300.0))));
    ServerSummary.Energy p = ServerSummaries.of(powerOnly, 1000, null, 0, null).energy();
    assertThat(p.source()).isEqualTo("power-integral");
    assertThat(p.joules()).isEqualTo(400.0); // 2 s at a mean of 200 W
    assertThat(p.tokensSource()).isEqualTo("client");
    assertThat(p.joulesPerOutputToken()).isEqualTo(0.4);
  }

  @Test
  void llamaCppsBatchSizeIsBusySlotsPerDecodeCallOverEachInterval() throws Exception {
    StackNames.Reading a = StackNames.stack(PrometheusTextParser.parse(
        "# TYPE llamacpp:n_decode_total counter\nllamacpp:n_decode_total 100\n# TYPE llamacpp:n_busy_slots_per_decode counter\n"
            + "llamacpp:n_busy_slots_per_decode 1\n# TYPE llamacpp:tokens_predicted_total counter\nllamacpp:tokens_predicted_total 100\n"));
    StackNames.Reading b = StackNames.stack(PrometheusTextParser.parse(
        "# TYPE llamacpp:n_decode_total counter\nllamacpp:n_decode_total 200\n# TYPE llamacpp:n_busy_slots_per_decode counter\n"
            + "llamacpp:n_busy_slots_per_decode 2.5\n# TYPE llamacpp:tokens_predicted_total counter\nllamacpp:tokens_predicted_total 500\n"));
    assertThat(a.stack()).isEqualTo("llamacpp");
    ServerSummary s = ServerSummaries.of(telemetry(List.of(stack(0, a.values()), stack(1000, b.values()))), 400, null, 0, null);
    // 100 slots over the first 100 calls, 500 over 200: the second hundred carried 4 each
    assertThat(s.series().get("batchSize").mean()).isEqualTo(4.0);
    assertThat(s.tokensGenerated()).isEqualTo(400);
  }

  @Test
  void tgiKvUsageIsTheBatchReservationOverTheBudgetAndUnknownSeriesStayRaw() throws Exception {
    StackNames.Reading r = StackNames.stack(PrometheusTextParser.parse(
        "# TYPE tgi_batch_current_max_tokens gauge\ntgi_batch_current_max_tokens 14000\n# TYPE tgi_batch_max_total_tokens gauge\n"
            + "tgi_batch_max_total_tokens 56000\n# TYPE tgi_request_count counter\ntgi_request_count 12\n"));
    assertThat(r.values()).containsEntry("kvCacheUsage", 0.25);
    assertThat(r.raw()).containsEntry("tgi_request_count", 12.0).doesNotContainKey("tgi_batch_max_total_tokens");
  }
}
