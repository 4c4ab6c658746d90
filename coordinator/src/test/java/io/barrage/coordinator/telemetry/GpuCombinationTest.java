package io.barrage.coordinator.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.protocol.results.ServerTelemetry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One target's GPUs over several exporters: summed per round, a missing exporter held briefly, then named partial. */
class GpuCombinationTest {
  private static DcgmReading reading(int gpus, double util, double watts, double joules) {
    return new DcgmReading(gpus, util * gpus, gpus, 1000.0 * gpus, watts, joules, DcgmReading.Selection.POD_LABELS);
  }

  @Test
  void powerMemoryAndEnergyAreSummedAndUtilisationAveragedOverAllGpus() {
    GpuCombination c = new GpuCombination(List.of("gpu-a", "gpu-b"), 2500);
    c.read(0, reading(1, 90, 300, 5_000), 1000);
    c.read(1, reading(2, 30, 200, 80_000), 1010);
    Map<String, Double> first = c.combine(1000, 1020);
    assertThat(first).containsEntry("gpuPowerWatts", 500.0).containsEntry("gpuMemoryUsedMiB", 3000.0)
        .containsEntry("gpuUtilization", 50.0).containsEntry("gpuEnergyJoules", 0.0);
    c.read(0, reading(1, 90, 310, 5_300), 2000);
    c.read(1, reading(2, 30, 190, 80_200), 2010);
    assertThat(c.combine(2000, 2020)).containsEntry("gpuPowerWatts", 500.0).containsEntry("gpuEnergyJoules", 500.0);
    assertThat(c.coverage()).isEqualTo(new ServerTelemetry.Gpus(2, 3, false, List.of()));
  }

  @Test
  void aMissedRoundHoldsTheLastReadingThenTheExporterIsNamedAndItsEnergyCaughtUpLater() {
    GpuCombination c = new GpuCombination(List.of("gpu-a", "gpu-b"), 2500);
    c.read(0, reading(1, 50, 100, 1_000), 0);
    c.read(1, reading(1, 50, 200, 2_000), 0);
    c.combine(0, 10);
    c.read(0, reading(1, 50, 100, 1_100), 1000);                   // gpu-b's scrape failed: held
    assertThat(c.combine(1000, 1010)).containsEntry("gpuPowerWatts", 300.0).containsEntry("gpuEnergyJoules", 100.0);
    assertThat(c.coverage().partial()).isFalse();
    c.read(0, reading(1, 50, 100, 1_200), 3000);                   // gpu-b 3 s old: past the hold
    assertThat(c.combine(3000, 3010)).containsEntry("gpuPowerWatts", 100.0).containsEntry("gpuEnergyJoules", 200.0);
    assertThat(c.coverage()).isEqualTo(new ServerTelemetry.Gpus(2, 2, true, List.of("gpu-b")));
    c.read(0, reading(1, 50, 100, 1_300), 4000);
    c.read(1, reading(1, 50, 200, 2_800), 4000);                   // back: its 800 J since its last reading count
    assertThat(c.combine(4000, 4010)).containsEntry("gpuEnergyJoules", 1_100.0);
  }

  @Test
  void anExporterNeverReadMakesThePartNamedAndARoundNobodyAnsweredAddsNoSample() {
    GpuCombination c = new GpuCombination(List.of("gpu-a", "http://10.0.1.8:9400/metrics"), 2500);
    c.read(0, reading(2, 10, 120, 0), 0);
    assertThat(c.combine(0, 10)).containsEntry("gpuPowerWatts", 120.0);
    assertThat(c.coverage()).isEqualTo(new ServerTelemetry.Gpus(2, 2, true, List.of("http://10.0.1.8:9400/metrics")));
    assertThat(c.combine(1000, 1010)).as("no exporter answered this round").isNull();
    assertThat(c.combine(4000, 4010)).as("nor this one, gpu-a's reading long stale").isNull();

    GpuCombination late = new GpuCombination(List.of("gpu-a"), 2500);
    assertThat(late.combine(0, 10)).isNull();
    late.read(0, reading(1, 10, 120, 0), 1000);
    assertThat(late.combine(1000, 1010)).containsEntry("gpuPowerWatts", 120.0);
    assertThat(late.coverage()).as("its first second is not in the figures").isEqualTo(new ServerTelemetry.Gpus(1, 1, true, List.of("gpu-a")));
  }

  @Test
  void aCounterThatRestartsCountsFromZero() {
    GpuCombination c = new GpuCombination(List.of("gpu-a"), 2500);
    c.read(0, reading(1, 0, 50, 9_000), 0);
    c.combine(0, 0);
    c.read(0, reading(1, 0, 50, 40), 1000);
    assertThat(c.combine(1000, 1000)).containsEntry("gpuEnergyJoules", 40.0);
  }
}
