package io.barrage.worker.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrage.protocol.scenario.PromptSpec;
import io.barrage.worker.engine.Seeds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LengthDistributionTest {
  static final int N = 20_000;
  @TempDir Path dir;

  static int[] draws(LengthDistribution d) {
    int[] out = new int[N];
    for (int i = 0; i < N; i++) out[i] = d.draw(Seeds.openLoop(42, i));
    return out;
  }

  static PromptSpec.TokenDistribution dist(String kind, Integer mean, Integer stddev, Integer min, Integer max, Integer value, String file) {
    return new PromptSpec.TokenDistribution(mean, stddev, min, max, kind, value, file);
  }

  @Test
  void fixedIsAlwaysItsValue() {
    assertThat(draws(LengthDistribution.of(dist("fixed", null, null, null, null, 300, null), null, 1))).containsOnly(300);
  }

  @Test
  void uniformCoversItsRangeEvenly() {
    int[] d = draws(LengthDistribution.of(dist("uniform", null, null, 10, 19, null, null), null, 1));
    int[] counts = new int[10];
    for (int x : d) counts[x - 10]++;
    for (int c : counts) assertThat(c).isBetween(N / 10 - 300, N / 10 + 300);
  }

  @Test
  void normalAndLognormalHaveTheGivenMeanAndSpread() {
    int[] normal = draws(LengthDistribution.of(dist("normal", 500, 100, null, null, null, null), null, 1));
    assertThat(mean(normal)).isBetween(495.0, 505.0);
    assertThat(stddev(normal)).isBetween(96.0, 104.0);
    int[] log = draws(LengthDistribution.of(dist("lognormal", 400, 300, null, null, null, null), null, 1));
    assertThat(mean(log)).isBetween(385.0, 415.0);
    assertThat(stddev(log)).isBetween(260.0, 340.0);
    assertThat(Arrays.stream(log).min().getAsInt()).isPositive();
    double median = Arrays.stream(log).sorted().toArray()[N / 2];
    assertThat(median).as("a long right tail: median below mean").isLessThan(360);
  }

  @Test
  void minAndMaxCutEveryDistribution() {
    int[] d = draws(LengthDistribution.of(dist("lognormal", 400, 600, 50, 900, null, null), null, 1));
    assertThat(Arrays.stream(d).min().getAsInt()).isEqualTo(50);
    assertThat(Arrays.stream(d).max().getAsInt()).isEqualTo(900);
  }

  @Test
  void empiricalDrawsTheListedLengthsWithTheirFrequencies() throws Exception {
    Files.writeString(dir.resolve("lengths.txt"), "# from a log\n100\n\n100\n300\n");
    int[] d = draws(LengthDistribution.of(dist("empirical", null, null, null, null, null, "lengths.txt"), dir, 1));
    Set<Integer> seen = new HashSet<>();
    int hundreds = 0;
    for (int x : d) {
      seen.add(x);
      if (x == 100) hundreds++;
    }
    assertThat(seen).containsExactlyInAnyOrder(100, 300);
    assertThat(hundreds).isBetween(N * 2 / 3 - 400, N * 2 / 3 + 400);
  }

  @Test
  void aBadLengthsFileNamesItsLine() throws Exception {
    Files.writeString(dir.resolve("bad.txt"), "10\n20\nlots\n");
    assertThatThrownBy(() -> LengthDistribution.of(dist("empirical", null, null, null, null, null, "bad.txt"), dir, 1))
        .hasMessageContaining("bad.txt line 3").hasMessageContaining("lots");
    assertThatThrownBy(() -> LengthDistribution.of(dist("empirical", null, null, null, null, null, "../etc/passwd"), dir, 1))
        .hasMessageContaining("not a readable file");
  }

  @Test
  void theLengthDependsOnTheKeyAndSaltOnly() {
    LengthDistribution a = LengthDistribution.of(dist("normal", 500, 100, null, null, null, null), null, 1);
    LengthDistribution b = LengthDistribution.of(dist("normal", 500, 100, null, null, null, null), null, 1);
    LengthDistribution other = LengthDistribution.of(dist("normal", 500, 100, null, null, null, null), null, 2);
    assertThat(draws(a)).isEqualTo(draws(b)).isNotEqualTo(draws(other));
  }

  static double mean(int[] d) {
    return Arrays.stream(d).average().orElse(0);
  }

  static double stddev(int[] d) {
    double m = mean(d);
    return Math.sqrt(Arrays.stream(d).mapToDouble(x -> (x - m) * (x - m)).sum() / d.length);
  }
}
