package io.barrage.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Percentage.withPercentage;

import io.barrage.simulator.SeedCalibration.Replayed;
import io.barrage.simulator.SeedCalibration.SeedRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every SageMaker-calibrated profile, driven in virtual time at each seed row's concurrency with
 * the calibration workload ({@link SeedCalibration#replay}), gives the seed's median ms/token
 * (e2e / tokens) and tokens/s within 10%. Virtual time makes the check exact and repeatable: the
 * figures are a function of the profile alone, not of how busy the machine is.
 */
class CalibrationTest {

  static Stream<Arguments> rows() {
    List<Arguments> out = new ArrayList<>();
    Profiles.seedRows().forEach((name, rows) -> rows.forEach(r -> out.add(Arguments.of(name, r))));
    return out.stream();
  }

  @ParameterizedTest(name = "{0} at concurrency {1}")
  @MethodSource("rows")
  void profileReproducesTheSeedFigures(String name, SeedRow row) {
    Profile p = Profiles.get(name);
    Replayed r = SeedCalibration.replay(p, row);
    System.out.printf(Locale.ROOT, "calibration | %s | %d | %.2f | %.2f | %.1f | %.1f%n", name, row.concurrency(),
        row.msPerToken(), r.msPerToken(), row.tokensPerSecond(), r.tokensPerSecond());
    assertThat(r.requests()).as("requests in the window").isGreaterThanOrEqualTo(20 * row.concurrency());
    assertThat(r.msPerToken()).as("median ms/token of %s at c=%d (seed %.2f)", name, row.concurrency(), row.msPerToken())
        .isCloseTo(row.msPerToken(), withPercentage(10));
    assertThat(r.tokensPerSecond()).as("tokens/s of %s at c=%d (seed %.2f)", name, row.concurrency(), row.tokensPerSecond())
        .isCloseTo(row.tokensPerSecond(), withPercentage(10));
    // and it is the same every time
    assertThat(SeedCalibration.replay(p, row)).isEqualTo(r);
  }
}
