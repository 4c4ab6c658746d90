package io.barrage.simulator.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrage.simulator.Profile;
import io.barrage.simulator.Profiles;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine on a virtual clock, driven by {@link OfflineRun}: exact instants, repeatable runs. */
class OfflineRunTest {
  /** 100 µs validation, prefill 500 µs + 2 µs/token, decode 1000 µs + 10 µs/sequence, 300 µs tail. */
  static final Profile.Timing ROUND = new Profile.Timing(1_000, 10, 0, 500, 2, 100, 300);
  static final Profile ROUND_TGI = Profiles.get(Profiles.TGI_FAST).withTiming(ROUND);

  @Test
  void aSingleRequestFollowsTheStepModelToTheNanosecond() {
    OfflineRun.Result r = OfflineRun.run(ROUND_TGI, OfflineRun.Workload.closedLoop(1, 10, 5));
    assertThat(r.requests()).hasSize(1);
    OfflineRun.RequestTrace t = r.requests().get(0);
    assertThat(t.submitNanos()).isZero();
    // validated after 100 µs, admitted at once, its prefill step (500 + 2 × 10 µs) ends with token 1
    assertThat(t.admittedNanos()).isEqualTo(100_000);
    assertThat(t.tokenNanos()).containsExactly(620_000, 1_630_000, 2_640_000, 3_650_000, 4_660_000);
    // the response stays open for the tail after its last token
    assertThat(t.endNanos()).isEqualTo(4_960_000);
    assertThat(r.endNanos()).isEqualTo(4_960_000);
    assertThat(t.outcome()).isEqualTo(OfflineRun.Outcome.OK);
    assertThat(t.endsWithEos()).isFalse();
    assertThat(t.msPerToken()).isEqualTo(4.66 / 5);
  }

  @Test
  void aNewRequestJoinsTheRunningBatchAtTheNextStepAndPaysForItsPrefillInThatStep() {
    // two clients, the second one starts 1.5 ms after the first
    OfflineRun.Result r = OfflineRun.run(ROUND_TGI,
        OfflineRun.Workload.closedLoop(2, 10, 4).startSpread(Duration.ofMillis(3)));
    OfflineRun.RequestTrace a = r.requests().get(0);
    OfflineRun.RequestTrace b = r.requests().get(1);
    assertThat(b.submitNanos()).isEqualTo(1_500_000);
    // a: prefill to 620 µs, decode alone to 1630 µs; b is ready at 1600 µs and joins the step that
    // starts at 1630 µs: prefill(10) + decode(1 running) = 520 + 1010 µs
    assertThat(a.tokenNanos()).startsWith(620_000, 1_630_000, 3_160_000);
    assertThat(b.admittedNanos()).isEqualTo(1_630_000);
    assertThat(b.firstTokenNanos()).isEqualTo(3_160_000);
    // then both decode together: 1000 + 2 × 10 µs per step
    assertThat(a.tokenNanos()[3]).isEqualTo(4_180_000);
    assertThat(b.tokenNanos()[1]).isEqualTo(4_180_000);
    assertThat(r.maxBatchSize()).isEqualTo(2);
  }

  @Test
  void twoRunsOfTheSameWorkloadAreIdentical() {
    Profile p = Profiles.get("sagemaker-llama2-13b-p4d.12xlarge");
    OfflineRun.Workload w = OfflineRun.Workload.closedLoop(20, 64, 128).requests(4)
        .startSpread(Duration.ofMillis(50)).thinkTime(Duration.ofMillis(3)).seed(7);
    OfflineRun.Result first = OfflineRun.run(p, w);
    OfflineRun.Result second = OfflineRun.run(p, w);
    assertThat(first.requests()).hasSize(80);
    assertThat(second.requests()).isEqualTo(first.requests());
    assertThat(second.endNanos()).isEqualTo(first.endNanos());
    // the profile's skewed output mix, by arrival order: 3 of every 5 requests end early with EOS
    List<OfflineRun.RequestTrace> early = first.select(t -> t.endsWithEos());
    assertThat(early).hasSize(48).allSatisfy(t -> assertThat(t.tokens()).isEqualTo(8));
    assertThat(first.select(t -> !t.endsWithEos())).allSatisfy(t -> assertThat(t.tokens()).isEqualTo(128));
  }

  @Test
  void aClientWaitsItsThinkTimeAfterEachResponseEnds() {
    OfflineRun.Result r = OfflineRun.run(ROUND_TGI,
        OfflineRun.Workload.closedLoop(1, 10, 5).requests(3).thinkTime(Duration.ofMillis(2)));
    List<OfflineRun.RequestTrace> t = r.requests();
    assertThat(t).hasSize(3);
    assertThat(t.get(1).submitNanos()).isEqualTo(t.get(0).endNanos() + 2_000_000);
    assertThat(t.get(2).submitNanos()).isEqualTo(t.get(1).endNanos() + 2_000_000);
    // the engine was idle in between, so every request sees the same timeline
    assertThat(t.get(2).e2eNanos()).isEqualTo(t.get(0).e2eNanos());
  }

  @Test
  void aDurationStopsNewRequestsButLetsRunningOnesFinish() {
    OfflineRun.Result r = OfflineRun.run(ROUND_TGI,
        OfflineRun.Workload.closedLoop(3, 10, 5).forDuration(Duration.ofMillis(50)));
    assertThat(r.requests()).hasSizeGreaterThan(3 * 5)
        .allSatisfy(t -> {
          assertThat(t.submitNanos()).isLessThan(50_000_000);
          assertThat(t.outcome()).isEqualTo(OfflineRun.Outcome.OK);
          assertThat(t.tokens()).isEqualTo(5);
        });
    assertThat(r.endNanos()).isGreaterThanOrEqualTo(50_000_000);
    long lastSubmit = r.requests().stream().mapToLong(OfflineRun.RequestTrace::submitNanos).max().orElseThrow();
    assertThat(r.endNanos()).isLessThan(lastSubmit + 20_000_000);
  }

  @Test
  void theTimeScaleOfAProfileDoesNotChangeItsVirtualTimeline() {
    OfflineRun.Workload w = OfflineRun.Workload.closedLoop(4, 10, 5).requests(2);
    assertThat(OfflineRun.run(ROUND_TGI.withTimeScale(20), w).requests())
        .isEqualTo(OfflineRun.run(ROUND_TGI, w).requests());
  }

  @Test
  void aWorkloadTheServerWouldRefuseIsRejectedWithAReason() {
    Profile tgi = Profiles.get(Profiles.TGI_FAST);
    assertThatThrownBy(() -> OfflineRun.run(tgi, OfflineRun.Workload.closedLoop(129, 10, 5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("129 clients exceed max_concurrent_requests 128");
    assertThatThrownBy(() -> OfflineRun.run(Profiles.get(Profiles.TGI_2XA4000), OfflineRun.Workload.closedLoop(1, 1500, 5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max_input_tokens 1024");
    assertThatThrownBy(() -> OfflineRun.run(tgi, OfflineRun.Workload.closedLoop(1, 4000, 200)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(4000 + 200) exceed max_total_tokens 4096");
    assertThatThrownBy(() -> OfflineRun.Workload.closedLoop(1, 10, 5).requests(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("request count per client or a duration");
  }

  @Test
  void aVirtualEngineRefusesRealTimeUseAndALiveOneRefusesVirtualTimers() {
    try (Engine live = new Engine(ROUND_TGI, "offline-run-test")) {
      assertThat(live.clock().isVirtual()).isFalse();
      assertThatThrownBy(live::runUntilIdle).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> live.at(0, () -> { })).isInstanceOf(IllegalStateException.class);
    }
    VirtualClock clock = new VirtualClock(1_000);
    Engine virtual = Engine.virtual(ROUND_TGI, clock);
    long[] ranAt = new long[1];
    virtual.at(5_000, () -> ranAt[0] = clock.now());
    assertThat(virtual.runUntilIdle()).isEqualTo(5_000);
    assertThat(ranAt[0]).isEqualTo(5_000);
    virtual.close();
  }
}
