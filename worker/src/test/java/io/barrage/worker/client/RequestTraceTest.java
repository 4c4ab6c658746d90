package io.barrage.worker.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.protocol.metrics.ErrorClass;
import org.junit.jupiter.api.Test;

class RequestTraceTest {
  @Test
  void knownTokenCountsAreKept() {
    RequestTrace t = new RequestTrace("a", 0, true);
    t.tokenEvent(10, 1);
    t.tokenEvent(20, 1);
    t.tokenEvent(30, 1);
    assertThat(t.tokensPerEvent()).containsExactly(1, 1, 1);
    assertThat(t.clientTokens).isEqualTo(3);
    assertThat(t.tFirst).isEqualTo(10);
    assertThat(t.tLast).isEqualTo(30);
  }

  @Test
  void aServerCountAboveTheChunkCountIsSpreadOverTheLaterChunks() {
    RequestTrace t = new RequestTrace("a", 0, true);
    for (int i = 0; i < 4; i++) t.tokenEvent(i, RequestTrace.UNKNOWN);
    t.serverTokens = 9; // first chunk 1, the other 8 over 3 chunks: 3,3,2
    assertThat(t.tokensPerEvent()).containsExactly(1, 3, 3, 2);
    assertThat(t.outputTokens()).isEqualTo(9);
  }

  @Test
  void withoutAServerCountEachChunkIsOneToken() {
    RequestTrace t = new RequestTrace("a", 0, true);
    for (int i = 0; i < 3; i++) t.tokenEvent(i, RequestTrace.UNKNOWN);
    assertThat(t.tokensPerEvent()).containsExactly(1, 1, 1);
    assertThat(t.outputTokens()).isEqualTo(3);
  }

  @Test
  void onlyTheFirstEndCounts() {
    RequestTrace t = new RequestTrace("a", 0, true);
    assertThat(t.failAndFinish(ErrorClass.IDLE_TIMEOUT, null, 5)).isTrue();
    assertThat(t.finish(9)).isFalse();
    assertThat(t.failAndFinish(ErrorClass.RESET, null, 9)).isFalse();
    assertThat(t.error).isEqualTo(ErrorClass.IDLE_TIMEOUT);
    assertThat(t.tEnd).isEqualTo(5);
  }
}
