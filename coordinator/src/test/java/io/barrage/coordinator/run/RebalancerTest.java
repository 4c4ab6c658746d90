package io.barrage.coordinator.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.protocol.plan.Load;
import io.barrage.protocol.plan.LoadShare;
import io.barrage.protocol.plan.LoadSplitter;
import io.barrage.protocol.scenario.Arrivals;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RebalancerTest {

  @Test
  void survivorsOfSevenCarryAllThreeHundredStreamsAgain() {
    Load load = new Load.Concurrency(300);
    List<LoadShare> shares = LoadSplitter.shares(load, 3000, 7);
    LoadShare lost = shares.get(3);
    List<LoadShare> survivors = new ArrayList<>(shares);
    survivors.remove(3);
    List<LoadShare> next = Rebalancer.rebalance(load, survivors, lost.requestQuota(), 100);
    assertThat(next).extracting(LoadShare::streams).containsExactly(50, 50, 50, 50, 50, 50);
    assertThat(next.stream().mapToInt(LoadShare::streams).sum()).isEqualTo(300);
    // contiguous stream numbering, slices renumbered
    assertThat(next).extracting(LoadShare::firstStream).containsExactly(0, 50, 100, 150, 200, 250);
    assertThat(next).extracting(LoadShare::sliceCount).containsOnly(6);
    // the lost worker had 429 of 3000 requests and finished 100: 329 more spread over six
    long before = survivors.stream().mapToLong(LoadShare::requestQuota).sum();
    long after = next.stream().mapToLong(LoadShare::requestQuota).sum();
    assertThat(after - before).isEqualTo(lost.requestQuota() - 100);
    assertThat(after + 100).isEqualTo(3000);
  }

  @Test
  void aRateIsReslicedOverTheSurvivorsAndDurationStepsKeepNoQuota() {
    Load load = new Load.Rate(20, Arrivals.POISSON);
    List<LoadShare> shares = LoadSplitter.shares(load, -1, 3);
    List<LoadShare> next = Rebalancer.rebalance(load, List.of(shares.get(0), shares.get(2)), -1, 0);
    assertThat(next).extracting(LoadShare::sliceIndex).containsExactly(0, 1);
    assertThat(next).extracting(LoadShare::sliceCount).containsOnly(2);
    assertThat(next).extracting(LoadShare::requestQuota).containsOnly(-1L);
    assertThat(Rebalancer.capacityShare(load, shares.get(1))).isEqualTo(1.0 / 3);
  }

  @Test
  void aLostWorkerThatFinishedItsQuotaLeavesNothingToTakeOver() {
    Load load = new Load.Concurrency(4);
    List<LoadShare> shares = LoadSplitter.shares(load, 40, 2);
    List<LoadShare> next = Rebalancer.rebalance(load, List.of(shares.get(0)), 20, 25);
    assertThat(next.get(0).requestQuota()).isEqualTo(20);
    assertThat(next.get(0).streams()).isEqualTo(4);
  }

  @Test
  void theClockSampleWithTheSmallestRoundTripWins() {
    ClockOffsets c = new ClockOffsets();
    c.record("w", 1_000_000, 1_600_000, 1_400_000); // rtt 400 ms: offset 400 ms, uncertain
    c.record("w", 2_000_000, 2_251_000, 2_002_000); // rtt 2 ms: offset 250 ms
    c.record("w", 3_000_000, 3_900_000, 3_100_000); // rtt 100 ms
    assertThat(c.offsetMs("w")).isEqualTo(250);
    assertThat(c.sample("w").rttMicros()).isEqualTo(2_000);
    assertThat(c.sampleCount("w")).isEqualTo(3);
    assertThat(c.offsetMs("unknown")).isZero();
  }
}
