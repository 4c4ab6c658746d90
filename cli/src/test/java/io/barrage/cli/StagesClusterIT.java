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
      // the end-of-run table ends each row with goodput: every request met e2e ≤ 30 s
      assertThat(r.out()).contains("good/s").containsPattern("(?m)^sim .* 100\\.0$");
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

      // the truth log, worker by worker: each worker follows the ramp from the instant it started
      // (a worker whose order arrives after the planned start starts at once, so on a loaded machine
      // the two may start apart). Worker w sends global arrivals slice, slice + 2, ...; arrival k of
      // its slice is planned at timeOf(slice + 2k + ½) after its start
      io.barrage.protocol.plan.RampProfile plan = new io.barrage.protocol.plan.RampProfile(List.of(
          new io.barrage.protocol.plan.Load.Stage(10, 2000), new io.barrage.protocol.plan.Load.Stage(20, 2000),
          new io.barrage.protocol.plan.Load.Stage(20, 2000), new io.barrage.protocol.plan.Load.Stage(0, 1000)));
      java.util.Map<String, List<Long>> byWorker = new java.util.TreeMap<>();
      for (TruthRecord t : sim.truth().all()) byWorker.computeIfAbsent(t.id().substring(0, t.id().lastIndexOf('-')), k -> new ArrayList<>()).add(t.arrivalNanos());
      assertThat(byWorker).hasSize(2);
      double[] bounds = {0, 2, 4, 6, 7};
      long[] planned = {10, 30, 40, 10}, seen = new long[4];
      double worstSpread = 0;
      for (List<Long> arrivals : byWorker.values()) {
        assertThat(arrivals).as("each worker sends its half").hasSize(45);
        arrivals.sort(null);
        double bestSpread = Double.MAX_VALUE, bestOffset = 0;
        for (int slice = 0; slice < 2; slice++) {
          double min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
          for (int k = 0; k < arrivals.size(); k++) {
            double d = arrivals.get(k) / 1e9 - plan.timeOf(slice + 2 * k + 0.5);
            min = Math.min(min, d);
            max = Math.max(max, d);
          }
          if (max - min < bestSpread) {
            bestSpread = max - min;
            bestOffset = min;
          }
        }
        worstSpread = Math.max(worstSpread, bestSpread);
        for (long a : arrivals) {
          double at = a / 1e9 - bestOffset;
          for (int k = 0; k < 4; k++) if ((at >= bounds[k] || k == 0) && (at < bounds[k + 1] || k == 3)) seen[k]++;
        }
      }
      // every arrival reached the server at its planned instant after its worker's start, give or take
      // the spread of the delays from intended send to arrival (under 1 s even on a loaded machine)
      assertThat(worstSpread).as("spread of (arrival − plan) within a worker, s").isLessThan(1.0);
      // so an arrival changes stage only when planned within that spread of a boundary, where the
      // rate is at most 20/s
      double slack = 1 + Math.ceil(20 * worstSpread);
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

  /** Requests at the simulator at {@code at} seconds after {@code t0}, per worker (the id's prefix names it). */
  static java.util.Map<String, Long> inFlight(List<TruthRecord> truths, long t0, double at) {
    long t = t0 + (long) (at * 1e9);
    java.util.Map<String, Long> out = new java.util.TreeMap<>();
    for (TruthRecord r : truths) {
      if (r.arrivalNanos() <= t && r.endNanos() > t) out.merge(r.id().substring(0, r.id().lastIndexOf('-')), 1L, Long::sum);
    }
    return out;
  }

  static long maxTotal(List<TruthRecord> truths, long t0, double from, double to) {
    long max = 0;
    for (double at = from; at <= to; at += 0.01) max = Math.max(max, inFlight(truths, t0, at).values().stream().mapToLong(Long::longValue).sum());
    return max;
  }

  @Test
  void aConcurrencyRampOverTwoWorkersKeepsThePlannedUsersInFlight() throws Exception {
    // tgi-fast 100x slower: a request lasts about 0.2 s, so a user is nearly always inside one
    io.barrage.simulator.Profile slow = io.barrage.simulator.Profiles.get(io.barrage.simulator.Profiles.TGI_FAST).withTimeScale(0.01);
    try (SimulatorServer sim = SimulatorServer.start(SimulatorConfig.loopback(slow))) {
      Path f = TestScenario.named("users-ramp-it").target("sim", sim.baseUrl()).maxNewTokens("[8]")
          .load("{stages: [{concurrency: 6, duration: 2s}, {concurrency: 6, duration: 3s}, {concurrency: 2, duration: 0s}, {concurrency: 2, duration: 3s}]}")
          .step("{warmup: 0s}").writeTo(dir.resolve("u.yaml"));
      Path out = dir.resolve("out-users");
      CliRun r = CliRun.of("run", f.toString(), "--out", out.toString(), "--local-workers", "2");
      assertThat(r.code()).as(r.out()).isEqualTo(0);
      JsonNode c = new ObjectMapper().readTree(out.resolve("summary.json").toFile()).path("targets").get(0).path("cells").get(0);
      assertThat(c.path("id").asText()).isEqualTo("sim/m8/stages-c6-6-2-2");
      assertThat(c.path("generator").path("workers").asInt()).isEqualTo(2);
      assertThat(c.path("requests").path("errorTotal").asLong()).isZero();
      // each worker follows the ramp from the instant it started (see the rate test), so it is judged
      // from its own first request: worker slice s starts user s when the level reaches 1 + s (at
      // (1 + s)/3 s), so its first request is at 1/3 or 2/3 s of the ramp
      java.util.Map<String, List<TruthRecord>> byWorker = new java.util.TreeMap<>();
      for (TruthRecord t : sim.truth().all()) byWorker.computeIfAbsent(t.id().substring(0, t.id().lastIndexOf('-')), k -> new ArrayList<>()).add(t);
      assertThat(byWorker).hasSize(2);
      for (List<TruthRecord> mine : byWorker.values()) {
        long first = mine.stream().mapToLong(TruthRecord::arrivalNanos).min().orElseThrow();
        // the plateau of 6 (ramp time 2–5 s) is 1.33–4.67 s or 1.67–4.33 s after its first request:
        // this worker's 3 users; the plateau of 2 (5–8 s, after the last requests of the 4 others end,
        // about 0.2 s) holds its 1 user
        assertThat(maxTotal(mine, first, 2.0, 4.3)).as("a worker's share of the plateau of 6").isEqualTo(3);
        assertThat(maxTotal(mine, first, 5.3, 7.3)).as("a worker's share of the plateau of 2").isEqualTo(1);
      }
    }
  }
}
