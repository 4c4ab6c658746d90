package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.coordinator.report.ResultSet;
import io.barrage.coordinator.report.ResultWriter;
import io.barrage.coordinator.report.model.CellSummary;
import io.barrage.coordinator.report.model.ServerSummary;
import io.barrage.coordinator.report.model.Timeline;
import io.barrage.simulator.Profiles;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import io.barrage.simulator.telemetry.StackMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run against the two simulated stacks of the FastAPI-vs-TGI article (10x faster), both scraped:
 * the FastAPI-style server publishing vLLM's names at an explicit URL, the TGI-style one (its batch
 * limited to four, so that eight streams queue) TGI's at its default path, each with the simulated
 * GPUs' DCGM endpoint. The summary has each cell's server
 * series, the server's token count equal to barrage's exactly, and energy per output token; the
 * timeline has batch size and queue over time beside TTFT; the report shows them.
 */
class ServerTelemetryIT {
  @TempDir Path dir;

  /** The TGI profile with at most four requests in its batch, so that eight streams make a queue. */
  private static io.barrage.simulator.Profile batchOfFour(io.barrage.simulator.Profile p) {
    io.barrage.simulator.Profile.Limits l = p.limits();
    return p.withLimits(new io.barrage.simulator.Profile.Limits(l.maxConcurrentRequests(), l.maxInputTokens(), l.maxTotalTokens(),
        l.maxBatchTotalTokens(), l.maxBatchPrefillTokens(), 4));
  }

  @Test
  void aRunShowsBatchSizeQueueAndEnergyPerTokenBesideTtftAndServerTokensEqualBarragesTokens() throws Exception {
    try (SimulatorServer fastapi = SimulatorServer.start(SimulatorConfig.loopback(Profiles.get(Profiles.FASTAPI_A100).withTimeScale(10))
            .withMetricsNames(StackMetrics.VLLM));
        SimulatorServer tgi = SimulatorServer.start(SimulatorConfig.loopback(batchOfFour(Profiles.get(Profiles.TGI_2XA4000).withTimeScale(10))))) {
      String yaml = "name: inside\ntargets:\n"
          + "  - {name: fastapi, api: fastapi, url: \"" + fastapi.baseUrl() + "/generate\", deployment: {usdPerHour: 4.10},\n"
          + "     metrics: {url: \"" + fastapi.baseUrl() + "/metrics\", interval: 250ms, dcgm: \"" + fastapi.baseUrl() + "/dcgm/metrics\"}}\n"
          + "  - {name: tgi, api: tgi-stream, url: \"" + tgi.baseUrl() + "\", deployment: {usdPerHour: 1.52},\n"
          + "     metrics: {interval: 250ms, dcgm: \"" + tgi.baseUrl() + "/dcgm/metrics\"}}\n"
          + "workload:\n  prompt: {text: \"Explain continuous batching in two sentences.\"}\n  maxNewTokens: [48]\n"
          + "  load: {concurrency: [8]}\n  step: {requests: 32}\n";
      Path f = Files.writeString(dir.resolve("inside.yaml"), yaml);
      Path out = dir.resolve("out");
      assertThat(BarrageMain.execute("run", f.toString(), "--out", out.toString(), "--local-workers", "0")).isEqualTo(ExitCodes.OK);

      ResultSet rs = ResultSet.read(out);
      for (String target : new String[] {"fastapi", "tgi"}) {
        CellSummary cell = rs.summary().targets().stream().filter(t -> t.name().equals(target)).findFirst().orElseThrow().cells().get(0);
        assertThat(cell.requests().ok()).isEqualTo(32);
        ServerSummary server = cell.server();
        assertThat(server).as(target).isNotNull();
        assertThat(server.stack()).isEqualTo(target.equals("tgi") ? "tgi" : "vllm");
        // every scrape answered; on a loaded machine a tick may find the previous scrape still running and be skipped (counted)
        assertThat(server.endpoints()).allSatisfy(e -> {
          assertThat(e.samples()).as(e.url()).isGreaterThanOrEqualTo(3);
          assertThat(e.errors()).as(e.url()).allSatisfy(x -> assertThat(x).startsWith("skipped"));
        });
        // the server's own count over the cell, against barrage's: exact against the simulator
        assertThat(server.tokensGenerated()).isEqualTo(32L * 48);
        assertThat(server.tokenCheck().match()).isTrue();
        assertThat(server.tokenCheck().client()).isEqualTo(cell.outputTokens());
        // eight streams at once: the server batched them and, at first, queued some (TGI) or all at once (FastAPI)
        assertThat(server.series().get("batchSize").max()).as(target).isGreaterThanOrEqualTo(2);
        assertThat(server.series()).containsKey("requestsWaiting");
        if (target.equals("tgi")) {
          // at most four in the batch: the other four of the eight streams waited in the queue
          assertThat(server.series().get("batchSize").max()).isEqualTo(4.0);
          assertThat(server.series().get("requestsWaiting").max()).isGreaterThanOrEqualTo(1.0);
        }
        assertThat(server.series().get("queueTime").mean()).isNotNull();
        ServerSummary.Energy energy = server.energy();
        System.out.printf("%s: stack %s, batch size mean %.2f max %.0f, waiting max %.0f, server tokens %d = barrage %d, %.1f W mean, %.4f J/token, "
            + "%.4f kWh per 1M tokens, %.2f USD per 1M tokens%n", target, server.stack(), server.series().get("batchSize").mean(),
            server.series().get("batchSize").max(), server.series().get("requestsWaiting").max(), server.tokensGenerated(),
            server.tokenCheck().client(), energy.meanPowerWatts(), energy.joulesPerOutputToken(), energy.kWhPer1MTokens(), energy.usdPer1MTokens());
        assertThat(energy.source()).isEqualTo("energy-counter");
        assertThat(energy.tokensSource()).isEqualTo("server");
        assertThat(energy.joulesPerOutputToken()).isPositive();
        assertThat(energy.joulesPer1MTokens()).isEqualTo(energy.joulesPerOutputToken() * 1e6, org.assertj.core.data.Offset.offset(1.0));
        assertThat(energy.usdPer1MTokens()).isEqualTo(cell.cost().usdPer1MTokens());

        Timeline.CellTimeline tl = rs.timeline().cells().stream().filter(c -> c.target().equals(target)).findFirst().orElseThrow();
        assertThat(tl.server()).anySatisfy(p -> assertThat(p.values()).containsKeys("batchSize", "requestsWaiting"));
        assertThat(tl.server()).anySatisfy(p -> assertThat(p.values()).containsKey("gpuPowerWatts"));
        assertThat(tl.points()).anySatisfy(p -> assertThat(p.ttftMeanMs()).isNotNull());
      }
      // results.csv carries the same figures at the end of each row
      java.util.List<String> csv = Files.readAllLines(out.resolve("results.csv"));
      java.util.List<String> header = java.util.List.of(csv.get(0).split(","));
      assertThat(csv).hasSize(3);
      for (String line : csv.subList(1, 3)) {
        java.util.List<String> row = java.util.List.of(line.split(",", -1));
        assertThat(row.get(header.indexOf("server_tokens"))).as(line).isEqualTo(Long.toString(32L * 48));
        assertThat(row.get(header.indexOf("server_tokens_match"))).as(line).isEqualTo("true");
        assertThat(Double.parseDouble(row.get(header.indexOf("energy_joules_per_output_token")))).as(line).isPositive();
        assertThat(Double.parseDouble(row.get(header.indexOf("server_batch_size_max")))).as(line).isBetween(1.0, 8.0);
      }
      String html = Files.readString(out.resolve(ResultWriter.HTML));
      assertThat(html).contains("Inside the server", "chart-server-ttft-tgi", "chart-server-batch-tgi", "chart-server-batch-fastapi",
          "J / output token", "table-server");
    }
  }

  @Test
  void aRunWhoseMetricsEndpointsAreBrokenOrDownCompletesAndSaysWhatWasMissing() throws Exception {
    try (SimulatorServer tgi = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST))) {
      // /info answers JSON, not the text format; nothing listens on port 9
      String yaml = "name: broken\ntargets:\n"
          + "  - {name: tgi, api: tgi-stream, url: \"" + tgi.baseUrl() + "\",\n"
          + "     metrics: {url: \"" + tgi.baseUrl() + "/info\", interval: 250ms, dcgm: \"http://127.0.0.1:9/metrics\"}}\n"
          + "workload:\n  prompt: {text: hello}\n  maxNewTokens: [16]\n  load: {concurrency: [2]}\n  step: {duration: 2s}\n";
      Path f = Files.writeString(dir.resolve("broken.yaml"), yaml);
      Path out = dir.resolve("out");
      assertThat(BarrageMain.execute("run", f.toString(), "--out", out.toString(), "--local-workers", "0")).isEqualTo(ExitCodes.OK);

      ResultSet rs = ResultSet.read(out);
      assertThat(rs.summary().run().outcome()).isEqualTo("completed");
      CellSummary cell = rs.summary().targets().get(0).cells().get(0);
      assertThat(cell.requests().ok()).isPositive();
      ServerSummary server = cell.server();
      assertThat(server.stack()).isNull();
      assertThat(server.tokensGenerated()).isNull();
      assertThat(server.energy()).isNull();
      ServerSummary.Endpoint stack = server.endpoints().get(0), dcgm = server.endpoints().get(1);
      assertThat(stack.kind()).isEqualTo("stack");
      assertThat(stack.samples()).isZero();
      assertThat(stack.missing()).isGreaterThanOrEqualTo(3);
      assertThat(stack.errors()).anySatisfy(e -> assertThat(e).startsWith("malformed: line 1: "));
      assertThat(dcgm.samples()).isZero();
      assertThat(dcgm.missing()).isGreaterThanOrEqualTo(3);
      assertThat(dcgm.errors()).anySatisfy(e -> assertThat(e).startsWith("connect"));
      assertThat(Files.readString(out.resolve(ResultWriter.HTML))).contains("Scrapes that missed samples", "malformed: line 1");
    }
  }
}
