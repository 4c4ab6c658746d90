package io.barrage.coordinator.report;

import static io.barrage.coordinator.report.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.coordinator.report.model.Timeline;
import io.barrage.protocol.plan.CellPlanner;
import io.barrage.protocol.plan.CellSpec;
import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.results.CellRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A worker that began its part of a ramp late: the per-second series is aligned on each worker's own start. */
class RampAlignmentTest {

  private static CellSpec spec() throws Exception {
    return CellPlanner.plan(RampSeriesTest.rampScenario()).get(0);
  }

  @Test
  void aLateWorkersIntervalsCountInTheRampSecondItWasFollowing() throws Exception {
    CellSpec spec = spec();
    CellAggregate a = new CellAggregate(spec.id()).keepLatencySlices();
    // w1 began at the cell's start; w2 began 1.5 s late (its first interval starts then) and followed
    // the ramp from there: its k-th second of the ramp is [T0 + 1500 + 1000k, +1000]
    for (int k = 0; k < 4; k++) {
      a.add(RampSeriesTest.report("w1", k, T0 + 1000L * k, 1 + k, 0, 1, 10 + k));
      a.add(RampSeriesTest.report("w2", k, T0 + 1500 + 1000L * k, 10 * (1 + k), 0, 2, 100 + k));
    }
    CellRecord c = new CellRecord(spec, a, 4.0, 0, 50, 2, T0, T0 + 5500);

    RampOrigins origins = new RampOrigins(a, T0);
    assertThat(origins.lateMs("w1")).isZero();
    assertThat(origins.lateMs("w2")).isEqualTo(1500);

    List<Timeline.Second> series = RampSeries.of(c, true);
    // four seconds of the ramp, not six: w2's seconds are not shifted past the ramp's end
    assertThat(series).extracting(Timeline.Second::second).containsExactly(0, 1, 2, 3);
    for (int k = 0; k < 4; k++) {
      Timeline.Second s = series.get(k);
      // each second adds the two workers' parts of the same ramp second: (1 + k) + 10 (1 + k)
      assertThat(s.okPerSecond()).as("second %d", k).isEqualTo(11.0 * (1 + k));
      assertThat(s.inFlight()).isEqualTo(3);
      assertThat(s.latencyMs().get("ttft").count()).as("one sample of each worker in second %d", k).isEqualTo(2);
    }
  }

  @Test
  void anOriginBeforeTheCellsStartIsTheCellsStart() throws Exception {
    // a record written before ramp workers started their first interval at their own start: the first
    // interval began when the order arrived, before the cell's start
    CellSpec spec = spec();
    CellAggregate a = new CellAggregate(spec.id()).keepLatencySlices();
    a.add(RampSeriesTest.report("w1", 0, T0 - 700, 1, 0, 1, 10));
    a.add(RampSeriesTest.report("w1", 1, T0 + 300, 2, 0, 1, 10));
    RampOrigins origins = new RampOrigins(a, T0);
    assertThat(origins.of("w1")).isEqualTo(T0);
    assertThat(origins.of("never-reported")).isEqualTo(T0);
    List<Timeline.Second> series = RampSeries.of(new CellRecord(spec, a, 4.0, 0, 50, 1, T0, T0 + 4000), false);
    // the first interval counts from the cell's start (T0 .. T0 + 300: its 1 request); the second,
    // T0 + 300 .. T0 + 1300, is shared by its time in each second: 0.7 of its 2 requests in second 0
    assertThat(series).extracting(Timeline.Second::second).containsExactly(0, 1);
    assertThat(series.get(0).okPerSecond()).isEqualTo(2.4);   // (1 + 1.4) requests over 1000 ms
    assertThat(series.get(1).okPerSecond()).isEqualTo(2.0);   // 0.6 requests over 300 ms
  }
}
