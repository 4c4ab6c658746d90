package io.barrage.coordinator.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class UnreachableWorkerDownerTest {
  @Test
  void theCoordinatorDownsAnUnreachableWorkerBeforeTheSplitBrainResolverCouldDecide() {
    assertThat(UnreachableWorkerDowner.effective(Duration.ofSeconds(15), Duration.ofSeconds(20))).isEqualTo(Duration.ofSeconds(15));
    // a shorter stable-after (BARRAGE_SBR_STABLE_AFTER) pulls the delay below it
    assertThat(UnreachableWorkerDowner.effective(Duration.ofSeconds(15), Duration.ofSeconds(8))).isEqualTo(Duration.ofSeconds(6));
  }
}
