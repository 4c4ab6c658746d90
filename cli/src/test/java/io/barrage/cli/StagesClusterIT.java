package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.barrage.protocol.scenario.TestScenario;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import io.barrage.simulator.TruthRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rate ramp through the whole cluster path: {@code barrage run} with two worker JVMs against the
 * simulator. The ramp is one cell; the two workers' slices add up to the planned arrivals, the
 * simulator's truth log sees them stage by stage, the coordinator merges their goodput counts, and
 * timeline.json carries the per-second series.
 */
class StagesClusterIT {
  @TempDir Path dir;

  @Test
  void aRateRampOverTwoWorkersSendsThePlannedArrivalsPerStageAndReportsOneTimeline() throws Exception {
    try (SimulatorServer sim = SimulatorServer.start(SimulatorConfig.loopback("tgi-fast"))) {
      // 0 → 10/s over 2 s, → 20/s over 2 s, 20/s for 2 s, → 0 over 1 s: 10 + 30 + 40 + 10 = 90 arrivals
      Path f = TestScenario.named("ramp-it").target("sim", sim.baseUrl()).maxNewTokens("[8]")
          .load("{arrivals: constant, stages: [{rate: 10, duration: 2s}, {rate: 20, duration: 2s}, {rate: 20, duration: 2s}, {rate: 0, duration: 1s}]}")
          .step("{warmup: 0s}").with("slo: {e2eP99: 30s}").writeTo(dir.resolve("s.yaml"));
      Path out = dir.resolve("out");
      CliRun r = CliRun.of("run", f.toString(), "--out", out.toString(), "--local-workers", "2");
      assertThat(r.code()).as(r.out()).isEqualTo(0);
      ObjectMapper json = new ObjectMapper();
      JsonNode cell = json.readTree(out.resolve("summary.json").toFile()).path("targets").get(0).path("cells");
      assertThat(cell).hasSize(1);
      JsonNode c = cell.get(0);
      assertThat(c.path("id").asText()).isEqualTo("sim/m8/stages-r10-20-20-0");
      assertThat(c.path("generator").path("workers").asInt()).isEqualTo(2);
      assertThat(c.path("requests").path("ok").asLong()).isEqualTo(90);
      assertThat(c.path("load").path("stages")).hasSize(4);
      // every request met the generous threshold: goodput is the throughput, merged over both workers
      assertThat(c.path("goodput").path("fraction").asDouble()).isEqualTo(1.0);
      assertThat(c.path("goodput").path("requestsPerSecond").asDouble()).isEqualTo(c.path("throughput").path("requestsPerSecond").asDouble());

      // the truth log, stage by stage: the cell's start in this JVM's nanoTime
      long startMs = Instant.parse(c.path("startedAt").asText()).toEpochMilli();
      long t0 = System.nanoTime() - (System.currentTimeMillis() - startMs) * 1_000_000L;
      double[] bounds = {0, 2, 4, 6, 7};
      long[] planned = {10, 30, 40, 10}, seen = new long[4];
      List<TruthRecord> truths = new ArrayList<>();
      truths.addAll(sim.truth().all());
      assertThat(truths).hasSize(90);
      for (TruthRecord t : truths) {
        double at = (t.arrivalNanos() - t0) / 1e9;
        for (int k = 0; k < 4; k++) if ((at >= bounds[k] || k == 0) && (at < bounds[k + 1] || k == 3)) seen[k]++;
      }
      // an arrival changes stage only when planned within its send lag (measured: sendLag max) plus the
      // clock reading error of this check (the start is known to the millisecond: 5 ms allowed) of a
      // boundary, where the rate is at most 20/s
      double lagMax = c.path("latency").path("sendLag").path("max").asDouble();
      double slack = 1 + Math.ceil(20 * (lagMax + 5) / 1000);
      for (int k = 0; k < 4; k++) {
        assertThat((double) Math.abs(seen[k] - planned[k])).as("stage %d: truth %d vs planned %d (slack %.0f)", k, seen[k], planned[k], slack)
            .isLessThanOrEqualTo(slack);
      }

      JsonNode tl = json.readTree(out.resolve("timeline.json").toFile()).path("cells").get(0).path("perSecond");
      assertThat(tl.size()).isBetween(6, 9);
      assertThat(tl.get(3).path("level").asDouble()).isEqualTo(17.5); // at 3.5 s on the way 10 → 20
      long okSum = 0;
      for (JsonNode p : tl) okSum += Math.round(p.path("okPerSecond").asDouble(0));
      assertThat(okSum).as("about the 90 requests spread over the seconds").isBetween(80L, 100L);
      assertThat(Files.readString(out.resolve("report.html"))).contains("chart-ramp-rate", "chart-goodput");
    }
  }
}
