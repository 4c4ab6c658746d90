package io.barrage.worker.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.protocol.scenario.TraceFile;
import io.barrage.worker.prompt.ExactPrompts;
import io.barrage.worker.prompt.TokenCounter;
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
    String twoBlocks = LengthPrompts.SYNTHETIC.text(2 * b, new long[] {Seeds.of(42, 7, 0xB10CL), Seeds.of(42, 8, 0xB10CL)}, b, 0);
    assertThat(p0).startsWith(twoBlocks + " ");
    assertThat(p1).startsWith(twoBlocks + " ");
    assertThat(p0.substring(twoBlocks.length())).isNotEqualTo(p1.substring(twoBlocks.length()));
    assertThat(p2).doesNotStartWith(twoBlocks.substring(0, 200));
    // one word per token
    assertThat(p0.split(" ")).hasSize(2 * b + 50);
    assertThat(r.prompt(0).maxNewTokens()).isEqualTo(8);
  }

  /** The simulator's tokenizer: four code points a token, no special tokens. */
  static final TokenCounter SIMULATOR = t -> (t.codePointCount(0, t.length()) + 3) / 4;
  /** A tokenizer of another kind: one token a word plus a BOS. */
  static final TokenCounter WORDS_AND_BOS = t -> 1 + (t.isBlank() ? 0 : t.trim().split(" +").length);

  @Test
  void withATokenizerEveryPromptHasExactlyTheRowsLengthAndEqualHashIdsStillShareBlocks() {
    int b = TraceFile.MOONCAKE_BLOCK_TOKENS;
    List<TraceFile.Arrival> rows = List.of(at(0, 2 * b + 50, 8, 7, 8, 100), at(10, 2 * b + 80, 9, 7, 8, 101),
        at(20, b + 10, 3, 9, 102), at(30, 1, 3), at(40, 37, 3), at(50, 3 * b, 3, 7, 8, 103), at(60, b - 3, 3, 7, 8));
    for (TokenCounter counter : List.of(SIMULATOR, WORDS_AND_BOS)) {
      TraceReplay r = new TraceReplay(rows, 1, LengthPrompts.SYNTHETIC, 42);
      r.lengths(LengthPrompts.exact(ExactPrompts.calibrate(counter)));
      for (int i = 0; i < rows.size(); i++) {
        int want = Math.max(rows.get(i).inputTokens(), counter == SIMULATOR ? 1 : 2);
        assertThat(counter.count(r.prompt(i).text())).as("row %d", i).isEqualTo(want);
        assertThat(r.prompt(i).inputTokens()).isEqualTo(rows.get(i).inputTokens());
      }
      String p0 = r.prompt(0).text(), p1 = r.prompt(1).text(), p5 = r.prompt(5).text();
      int shared = 0;
      while (shared < p0.length() && p0.charAt(shared) == p1.charAt(shared)) shared++;
      // rows 0 and 1 share their two blocks (2 × 512 tokens) and differ right after them
      assertThat(counter.count(p0.substring(0, shared))).isBetween(2 * b, 2 * b + 1);
      assertThat(p5).startsWith(p0.substring(0, shared));
      assertThat(r.prompt(6).text()).isEqualTo(p0.substring(0, r.prompt(6).text().length()));
    }
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
