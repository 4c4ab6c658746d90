package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.coordinator.report.ResultSet;
import io.barrage.coordinator.report.TimelineSeries;
import io.barrage.coordinator.report.model.CellSummary;
import io.barrage.coordinator.report.model.Timeline;
import io.barrage.protocol.scenario.TestScenario;
import io.barrage.simulator.Profiles;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tokens/s-over-the-run series of a steady run has no spike. Four streams of 40 tokens each
 * (about 1.4 s per request on the simulated 2x RTX A4000) start and end together, so booking a
 * request's tokens when it ends would pile them into every other interval; booked when they arrive,
 * every point stays near the series' median (steady) and that median near the cell's average.
 */
class TokenTimelineIT {
  @TempDir Path dir;

  @Test
  void aSteadyRunsTokensPerSecondHaveNoSpike() throws Exception {
    try (SimulatorServer sim = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_2XA4000))) {
      Path f = TestScenario.named("steady").target("tgi", sim.baseUrl()).prompt("{text: \"Explain continuous batching.\"}")
          .maxNewTokens("[40]").load("{concurrency: [4]}").step("{duration: 6s}").writeTo(dir.resolve("steady.yaml"));
      Path out = dir.resolve("out");
      assertThat(BarrageMain.execute("run", f.toString(), "--out", out.toString(), "--local-workers", "0")).isEqualTo(ExitCodes.OK);
      ResultSet rs = ResultSet.read(out);
      CellSummary cell = rs.summary().targets().get(0).cells().get(0);
      assertThat(cell.requests().errorTotal()).isZero();
      double mean = cell.tokensPerSecond();
      List<TimelineSeries.Point> series = TimelineSeries.tokensPerSecond(rs.timeline(), "tgi", rs.timeline().runStartEpochMs());
      List<Double> values = series.stream().filter(p -> p != null).map(TimelineSeries.Point::value).toList();
      // what booking at the end would have drawn, for the record
      Timeline endBooked = new Timeline(1, rs.timeline().runStartEpochMs(), rs.timeline().cells().stream()
          .map(c -> new Timeline.CellTimeline(c.cell(), c.target(), c.startedAtEpochMs(), c.endedAtEpochMs(), c.points().stream()
              .map(p -> new Timeline.Point(p.worker(), p.startEpochMs(), p.endEpochMs(), p.outputTokens(), p.ok(), p.errors(), p.inFlight(), null))
              .toList()))
          .toList());
      double endBookedMax = TimelineSeries.tokensPerSecond(endBooked, "tgi", rs.timeline().runStartEpochMs()).stream()
          .filter(p -> p != null).mapToDouble(TimelineSeries.Point::value).max().orElse(0);
      System.out.printf("cell %.1f tok/s; by arrival %s; booked at the end, the highest point would be %.1f%n", mean, values, endBookedMax);
      assertThat(values).hasSizeGreaterThanOrEqualTo(5);
      double median = values.stream().sorted().toList().get(values.size() / 2);
      assertThat(values).as("no point above 1.3x the median of %.1f tok/s", median).allSatisfy(v -> assertThat(v).isLessThanOrEqualTo(1.3 * median));
      assertThat(median).as("the series measures the cell's rate").isBetween(0.7 * mean, 1.1 * mean);
    }
  }
}
