package io.barrage.common.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {

  @Test
  void everyUnitPeopleWriteIsRead() {
    assertThat(DurationText.parse("250us")).isEqualTo(Duration.ofNanos(250_000));
    assertThat(DurationText.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(DurationText.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(DurationText.parse("10m")).isEqualTo(Duration.ofMinutes(10));
    assertThat(DurationText.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(DurationText.parse("2")).as("a bare number is seconds").isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void textThatIsNotADurationIsNamedWithExamples() {
    assertThatThrownBy(() -> DurationText.parse("soon"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'soon' is not a duration (write e.g. 250ms, 2s, 1.5s, 10m, 1h)");
    assertThatThrownBy(() -> DurationText.parse("3000000h")).hasMessageContaining("longer than barrage can count");
  }

  @Test
  void formatIsTheShortestExactTextAndParsesBack() {
    for (Duration d : new Duration[] {Duration.ofMillis(1500), Duration.ofHours(24), Duration.ofMinutes(90), Duration.ofNanos(3_000)}) {
      assertThat(DurationText.parse(DurationText.format(d))).isEqualTo(d);
    }
    assertThat(DurationText.format(Duration.ofMinutes(90))).isEqualTo("90m");
  }
}
