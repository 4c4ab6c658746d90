package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.coordinator.report.ResultSet;
import io.barrage.coordinator.report.model.Capacity;
import io.barrage.coordinator.report.model.CellSummary;
import io.barrage.coordinator.report.model.Summary;
import io.barrage.coordinator.report.model.TargetSummary;
import io.barrage.simulator.Profile;
import io.barrage.simulator.Profiles;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import io.barrage.simulator.engine.OfflineCapacity;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live capacity search ({@code workload.load.search}) against loopback simulators, run by
 * {@code barrage run} as a user would: it finds each profile's true capacity (computed from the
 * engine in virtual time, {@link OfflineCapacity}) within the search's resolution, keeps every probe
 * as a cell, and says plainly when a target never meets the SLO and when it meets it at max.
 */
class CapacitySearchIT {
  @TempDir Path dir;
  Path lastOut;

  static String scenario(String name, String targets, String search, String slo) {
    return "name: " + name + "\ntargets:\n" + targets + "workload:\n  prompt: {text: hello}\n  maxNewTokens: [" + CapacityProfiles.NEW_TOKENS + "]\n"
        + "  load: {search: " + search + "}\n  step: {requests: 48}\n  timeouts: {firstToken: 20s, idle: 20s, total: 30s}\nslo: " + slo + "\n";
  }

  Summary run(String yaml, StringBuilder printed) throws Exception {
    Path f = Files.writeString(dir.resolve("s.yaml"), yaml);
    Path out = dir.resolve("out-" + System.nanoTime());
    lastOut = out;
    PrintStream old = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      code = BarrageMain.execute("run", f.toString(), "--out", out.toString(), "--local-workers", "0");
    } finally {
      System.setOut(old);
    }
    printed.append(buf.toString(StandardCharsets.UTF_8));
    assertThat(code).as(printed.toString()).isEqualTo(ExitCodes.OK);
    return ResultSet.read(out).summary();
  }

  /** Within the search's resolution: one user, or the precision of the truth when that is more. */
  static void withinPrecision(Capacity c, int truth) {
    double tolerance = Math.max(1, c.precision() * truth);
    assertThat(Math.abs(c.sustained() - truth)).as(c.said() + " (truth " + truth + ")").isLessThanOrEqualTo(tolerance);
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void aLiveSearchFindsTheTrueCapacityOfANaiveAndABatchingStack() throws Exception {
    Profile naive = CapacityProfiles.naive(), batching = CapacityProfiles.batching();
    long naiveSlo = CapacityProfiles.e2eObjectiveMs(naive, 8);
    int naiveTruth = OfflineCapacity.capacity(naive, new OfflineCapacity.Objective(null, (double) naiveSlo), 64, CapacityProfiles.REQUESTS_PER_CLIENT,
        CapacityProfiles.INPUT_TOKENS, CapacityProfiles.NEW_TOKENS);
    try (SimulatorServer a = SimulatorServer.start(SimulatorConfig.loopback(naive));
        SimulatorServer b = SimulatorServer.start(SimulatorConfig.loopback(batching))) {
      // one SLO per run: the batching stack gets its own run, with its own objective
      StringBuilder printed = new StringBuilder();
      Summary s = run(scenario("naive", "  - {name: naive, api: fastapi, url: \"" + a.baseUrl() + "/generate\", deployment: {usdPerHour: 4.10}}\n",
          "{by: concurrency, min: 1, max: 64, precision: 5%, probes: 20}", "{e2eP99: " + naiveSlo + "ms}"), printed);
      Capacity c = s.target("naive").capacity();
      assertThat(c.end()).as(printed.toString()).isEqualTo("found");
      withinPrecision(c, naiveTruth);
      assertThat(c.confirmed()).isTrue();
      assertThat(c.usdPer1MTokens()).isPositive();
      assertThat(c.steps()).hasSize(c.probes()).extracting(Capacity.Probe::cell)
          .containsExactlyElementsOf(s.target("naive").cells().stream().map(CellSummary::id).toList());
      assertThat(c.steps().get(0).cell()).isEqualTo("naive/m16/c1/probe1");
      assertThat(printed.toString()).contains("capacity naive (m16): naive sustains " + (int) c.sustained() + " concurrent requests under p99 e2e ≤ ");
      long answered = a.stats().requestsSucceeded();
      assertThat(answered).as("every probe is a real cell: every request the server answered is counted ok")
          .isEqualTo(s.target("naive").cells().stream().mapToLong(x -> x.requests().ok()).sum());

      long batchingSlo = CapacityProfiles.e2eObjectiveMs(batching, 10);
      int batchingTruth = OfflineCapacity.capacity(batching, new OfflineCapacity.Objective(null, (double) batchingSlo), 64,
          CapacityProfiles.REQUESTS_PER_CLIENT, CapacityProfiles.INPUT_TOKENS, CapacityProfiles.NEW_TOKENS);
      StringBuilder printed2 = new StringBuilder();
      Summary s2 = run(scenario("batching", "  - {name: batching, api: tgi-stream, url: \"" + b.baseUrl() + "\"}\n",
          "{by: concurrency, min: 1, max: 64, precision: 5%, probes: 20}", "{e2eP99: " + batchingSlo + "ms}"), printed2);
      Capacity c2 = s2.target("batching").capacity();
      assertThat(c2.end()).as(printed2.toString()).isEqualTo("found");
      withinPrecision(c2, batchingTruth);
    }
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void aSweepMeasuresOneUserThenSaturationThenRatesBetweenAllAsRealCells() throws Exception {
    try (SimulatorServer sim = SimulatorServer.start(SimulatorConfig.loopback(CapacityProfiles.batching()))) {
      String yaml = "name: sweep\ntargets:\n  - {name: batching, api: tgi-stream, url: \"" + sim.baseUrl() + "\"}\nworkload:\n  prompt: {text: hello}\n"
          + "  maxNewTokens: [16]\n  load: {sweep: {points: 2, saturation: 8}}\n  step: {requests: 24}\n";
      StringBuilder printed = new StringBuilder();
      Summary s = run(yaml, printed);
      List<CellSummary> cells = s.target("batching").cells();
      assertThat(cells).extracting(CellSummary::id).as(printed.toString()).hasSize(4).startsWith("batching/m16/c1", "batching/m16/c8");
      double sync = cells.get(0).throughput().requestsPerSecond(), saturation = cells.get(1).throughput().requestsPerSecond();
      assertThat(saturation).as("8 users in a batch deliver more requests/s than one").isGreaterThan(sync);
      for (CellSummary c : cells.subList(2, 4)) {
        assertThat(c.load().rate()).as(c.id()).isStrictlyBetween(sync, saturation);
        assertThat(c.requests().ok()).as(c.id()).isEqualTo(24);
      }
      assertThat(cells.get(2).load().rate()).isLessThan(cells.get(3).load().rate());
      assertThat(sim.stats().requestsSucceeded()).isEqualTo(4 * 24);
    }
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void aTargetThatNeverMeetsTheSloHasCapacityZeroAndOneThatMeetsItAtMaxIsAtLeastMax() throws Exception {
    try (SimulatorServer slow = SimulatorServer.start(SimulatorConfig.loopback(CapacityProfiles.naive()));
        SimulatorServer fast = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST))) {
      String targets = "  - {name: slow, api: fastapi, url: \"" + slow.baseUrl() + "/generate\", deployment: {usdPerHour: 4.10}}\n"
          + "  - {name: fast, api: tgi-stream, url: \"" + fast.baseUrl() + "\", deployment: {usdPerHour: 1.52}}\n";
      // the slow stack needs ~65 ms for one request; the fast one a few ms for two at once
      StringBuilder printed = new StringBuilder();
      Summary s = run(scenario("edges", targets, "{by: concurrency, min: 1, max: 2}", "{e2eP99: 40ms}") + "comparison: {baseline: slow}\n", printed);
      TargetSummary slowT = s.target("slow"), fastT = s.target("fast");
      assertThat(slowT.capacity().end()).as(printed.toString()).isEqualTo("never");
      assertThat(slowT.capacity().sustained()).isZero();
      assertThat(slowT.capacity().cell()).isNull();
      assertThat(slowT.capacity().said()).contains("never met").contains("capacity 0");
      assertThat(fastT.capacity().end()).as(printed.toString()).isEqualTo("at-max");
      assertThat(fastT.capacity().atLeast()).isTrue();
      assertThat(fastT.capacity().sustained()).isEqualTo(2.0);
      assertThat(fastT.capacity().said()).contains("at least").contains("≥ max");
      assertThat(fastT.capacity().steps()).extracting(Capacity.Probe::load).containsExactly(1.0, 2.0, 2.0);
      assertThat(s.capacity()).singleElement().satisfies(cc -> assertThat(cc.sentence()).contains("slow never met").contains("fast sustains ≥ 2 concurrent requests"));
      assertThat(printed.toString()).contains("slow never met p99 e2e ≤ 40 ms, errors ≤ 1 %");
      String html = Files.readString(lastOut.resolve("report.html"));
      assertThat(html).contains("<h2>Capacity under the SLO</h2>").contains("p99 e2e vs load: the SLO line and each capacity")
          .contains("SLO p99 e2e ≤ 40 ms").contains("<code>fast/m16/c2/probe3</code>").contains("fast ≥ 2");
    }
  }
}
