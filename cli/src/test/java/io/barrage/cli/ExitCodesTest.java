package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ExitCodesTest {

  @Test
  void anInterruptedRunExitsSixWhateverItsGatesSay() {
    assertThat(ExitCodes.ofRun("interrupted", List.of())).isEqualTo(6);
    assertThat(ExitCodes.ofRun("interrupted", List.of("ttft p99 > 500 ms"))).isEqualTo(6);
  }

  @Test
  void theOtherOutcomesKeepTheirCodes() {
    assertThat(ExitCodes.ofRun("completed", List.of())).isZero();
    assertThat(ExitCodes.ofRun("completed", List.of("gate"))).isEqualTo(1);
    assertThat(ExitCodes.ofRun("aborted", List.of("gate"))).isEqualTo(4);
    assertThat(ExitCodes.ofRun("degraded", List.of())).isEqualTo(5);
  }
}
