package io.barrage.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.protocol.scenario.TraceFile;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A trace's schedule and prompts as the pacer replays them. */
class TraceReplayTest {
  static TraceFile.Arrival at(long ms, int in, int out, long... hashes) {
    return new TraceFile.Arrival(ms * 1_000_000L, in, out, hashes, 1);
  }

  @Test
  void equalHashIdsGiveEqualPrefixBlocksAndTheRestIsOwn() {
    int b = TraceFile.MOONCAKE_BLOCK_TOKENS;
    TraceReplay r = new TraceReplay(List.of(at(0, 2 * b + 50, 8, 7, 8, 100), at(10, 2 * b + 80, 9, 7, 8, 101), at(20, b + 10, 3, 9, 102)),
        1, LengthPrompts.SYNTHETIC, 42);
    String p0 = r.prompt(0).text(), p1 = r.prompt(1).text(), p2 = r.prompt(2).text();
    String twoBlocks = LengthPrompts.SYNTHETIC.text(b, Seeds.of(42, 7, 0xB10CL)) + " " + LengthPrompts.SYNTHETIC.text(b, Seeds.of(42, 8, 0xB10CL));
    assertThat(p0).startsWith(twoBlocks + " ");
    assertThat(p1).startsWith(twoBlocks + " ");
    assertThat(p0.substring(twoBlocks.length())).isNotEqualTo(p1.substring(twoBlocks.length()));
    assertThat(p2).doesNotStartWith(twoBlocks.substring(0, 200));
    // one word per token
    assertThat(p0.split(" ")).hasSize(2 * b + 50);
    assertThat(r.prompt(0).maxNewTokens()).isEqualTo(8);
  }

  @Test
  void theScheduleFollowsTheTraceDividedByTheSpeedupAndEnds() {
    TraceReplay r = new TraceReplay(List.of(at(0, 5, 0), at(100, 5, 2), at(350, 5, 2)), 2.0, LengthPrompts.SYNTHETIC, 1);
    ArrivalTimes a = r.arrivals();
    assertThat(a.next()).isZero();
    assertThat(a.offsetNanos()).isZero();
    a.next();
    assertThat(a.offsetNanos()).isEqualTo(50_000_000L);
    a.next();
    assertThat(a.offsetNanos()).isEqualTo(175_000_000L);
    a.next();
    assertThat(a.offsetNanos()).isEqualTo(ArrivalTimes.NEVER);
    // a trace row that generated nothing still asks for one token (the APIs need max_tokens >= 1)
    assertThat(r.prompt(0).maxNewTokens()).isEqualTo(1);
  }
}
