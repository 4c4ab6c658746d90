package io.barrage.protocol.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class LoadSplitterTest {

  @Test
  void threeHundredStreamsOverSevenWorkersAreSixTimesFortyThreeAndOneFortyTwo() {
    assertThat(LoadSplitter.split(300, 7)).containsExactly(43, 43, 43, 43, 43, 43, 42);
  }

  @Test
  void partsAlwaysAddUpToTheWhole() {
    for (int total = 0; total < 500; total += 7) {
      for (int parts = 1; parts < 13; parts++) {
        long[] s = LoadSplitter.split(total, parts);
        assertThat(LongStream.of(s).sum()).isEqualTo(total);
        assertThat(LongStream.of(s).max().getAsLong() - LongStream.of(s).min().getAsLong()).isLessThanOrEqualTo(1);
      }
    }
  }

  @Test
  void concurrencySharesNumberStreamsContiguouslyAndSplitTheRequestQuota() {
    List<LoadShare> shares = LoadSplitter.shares(new Load.Concurrency(10), 301, 3);
    assertThat(shares).extracting(LoadShare::streams).containsExactly(4, 3, 3);
    assertThat(shares).extracting(LoadShare::firstStream).containsExactly(0, 4, 7);
    assertThat(shares).extracting(LoadShare::requestQuota).containsExactly(101L, 100L, 100L);
  }
}
