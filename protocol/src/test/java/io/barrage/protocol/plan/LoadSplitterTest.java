package io.barrage.protocol.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
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
  void concurrencySharesNumberStreamsContiguouslyAndSplitTheRequestQuotaLikeTheStreams() {
    List<LoadShare> shares = LoadSplitter.shares(new Load.Concurrency(10), 301, 3);
    assertThat(shares).extracting(LoadShare::streams).containsExactly(4, 3, 3);
    assertThat(shares).extracting(LoadShare::firstStream).containsExactly(0, 4, 7);
    // 301 * 4/10 = 120.4, 301 * 3/10 = 90.3 twice; the one left over goes to the largest remainder
    assertThat(shares).extracting(LoadShare::requestQuota).containsExactly(121L, 90L, 90L);
  }

  @Test
  void aWorkerWithoutStreamsGetsNoRequests() {
    List<LoadShare> shares = LoadSplitter.shares(new Load.Concurrency(1), 20, 2);
    assertThat(shares).extracting(LoadShare::streams).containsExactly(1, 0);
    assertThat(shares).extracting(LoadShare::requestQuota).containsExactly(20L, 0L);
  }

  @Test
  void proportionalSplitsAreExact() {
    Random rnd = new Random(3);
    for (int i = 0; i < 1000; i++) {
      int n = 1 + rnd.nextInt(9);
      long[] w = new long[n];
      for (int j = 0; j < n; j++) w[j] = rnd.nextInt(50);
      long total = rnd.nextInt(10_000);
      assertThat(LongStream.of(LoadSplitter.proportional(total, w)).sum()).isEqualTo(total);
    }
  }
}
