package io.barrage.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.protocol.metrics.ErrorClass;
import io.barrage.protocol.metrics.IntervalCounters;
import io.barrage.protocol.scenario.GoodputThresholds;
import io.barrage.protocol.scenario.SloSpec;
import io.barrage.worker.client.RequestTrace;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The worker classifies each measured request against the per-request thresholds and counts the good ones. */
class GoodputCountsTest {
  static final long MS = 1_000_000L;

  /** TTFT ≤ 100 ms, TPOT ≤ 20 ms, e2e ≤ 1 s. */
  static final GoodputThresholds SLO = GoodputThresholds.of(
      new SloSpec(Duration.ofMillis(100), Duration.ofMillis(20), Duration.ofSeconds(1), null));

  final StepRecorder rec = new StepRecorder("w1", "t/m8/c1", SLO);

  /** A successful streamed request sent at 0: first token at {@code ttftMs}, then one every {@code gapMs}. */
  RequestTrace streamed(long ttftMs, long gapMs, int tokens, boolean measured) {
    RequestTrace t = new RequestTrace("r", 0, measured);
    t.tSend = 0;
    rec.sent(t);
    for (int i = 0; i < tokens; i++) t.tokenEvent((ttftMs + i * gapMs) * MS, 1);
    t.serverTokens = tokens;
    t.finish(t.tLast + MS);
    rec.finished(t);
    return t;
  }

  @Test
  void onlyRequestsMeetingEveryThresholdAreGoodAndTheirTokensCount() {
    streamed(50, 10, 8, true);   // good: ttft 50, tpot 10, e2e 120
    streamed(100, 20, 5, true);  // good: every figure exactly at its threshold
    streamed(150, 10, 4, true);  // ttft too slow
    streamed(50, 30, 4, true);   // tpot too slow
    streamed(90, 19, 50, true);  // e2e 90 + 49 × 19 = 1021 ms > 1 s
    streamed(10, 10, 3, false);  // warm-up: never counted
    RequestTrace failed = new RequestTrace("f", 0, true);
    failed.tSend = 0;
    failed.tokenEvent(10 * MS, 1);
    failed.failAndFinish(ErrorClass.RESET, "reset", 20 * MS); // fast, but failed: never good
    rec.finished(failed);

    IntervalCounters c = rec.drain(0, true).counters();
    assertThat(c.ok()).isEqualTo(5);
    assertThat(c.errorCount()).isEqualTo(1);
    assertThat(c.goodRequests()).isEqualTo(2);
    assertThat(c.goodOutputTokens()).isEqualTo(8 + 5);
  }

  @Test
  void aMetricTheRequestHasNoValueForIsNotHeldAgainstIt() {
    RequestTrace whole = new RequestTrace("w", 0, true);
    whole.tSend = 0;
    whole.tokenEvent(500 * MS, 40); // a whole text: ttft 500 ms breaks the TTFT threshold
    whole.serverTokens = 40;
    whole.finish(501 * MS);
    rec.finished(whole);
    RequestTrace oneToken = new RequestTrace("o", 0, true);
    oneToken.tSend = 0;
    oneToken.tokenEvent(60 * MS, 1); // no TPOT with a single token
    oneToken.serverTokens = 1;
    oneToken.finish(61 * MS);
    rec.finished(oneToken);
    IntervalCounters c = rec.drain(0, true).counters();
    assertThat(c.goodRequests()).as("the one-token request is good, the slow whole text is not").isEqualTo(1);
    assertThat(c.goodOutputTokens()).isEqualTo(1);
  }

  @Test
  void withoutThresholdsNothingIsCountedGood() {
    StepRecorder plain = new StepRecorder("w1", "t/m8/c1", null);
    RequestTrace t = new RequestTrace("r", 0, true);
    t.tSend = 0;
    t.tokenEvent(MS, 1);
    t.finish(2 * MS);
    plain.finished(t);
    assertThat(plain.drain(0, true).counters().goodRequests()).isZero();
  }

  @Test
  void aPerRequestKeyOverridesTheGateValueAndAGateAloneIsAlsoTheThreshold() {
    SloSpec slo = new SloSpec(Duration.ofSeconds(2), null, Duration.ofSeconds(30), null,
        new SloSpec.PerRequest(Duration.ofMillis(500), null, null));
    GoodputThresholds g = GoodputThresholds.of(slo);
    assertThat(g.ttftNanos()).isEqualTo(500 * MS);
    assertThat(g.tpotNanos()).isEqualTo(GoodputThresholds.UNSET);
    assertThat(g.e2eNanos()).isEqualTo(30_000 * MS);
    assertThat(GoodputThresholds.of(new SloSpec(null, null, null, 0.01))).as("an error-rate gate alone sets no threshold").isNull();
    assertThat(GoodputThresholds.of(null)).isNull();
  }
}
