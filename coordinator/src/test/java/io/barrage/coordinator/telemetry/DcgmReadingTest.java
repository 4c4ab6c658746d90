package io.barrage.coordinator.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.common.prometheus.PrometheusTextParser;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which GPUs of a DCGM exporter's page count for a target: the pod labels when the exporter has them. */
class DcgmReadingTest {
  /** Two GPUs held by pods of two namespaces and a third held by none, as dcgm-exporter's Kubernetes mapping labels them. */
  static final String MAPPED = """
      # TYPE DCGM_FI_DEV_GPU_UTIL gauge
      DCGM_FI_DEV_GPU_UTIL{gpu="0",UUID="GPU-a",pod="tgi-0",namespace="llm",container="server"} 80
      DCGM_FI_DEV_GPU_UTIL{gpu="1",UUID="GPU-b",pod="train-7",namespace="research",container="trainer"} 100
      DCGM_FI_DEV_GPU_UTIL{gpu="2",UUID="GPU-c"} 0
      # TYPE DCGM_FI_DEV_POWER_USAGE gauge
      DCGM_FI_DEV_POWER_USAGE{gpu="0",UUID="GPU-a",pod="tgi-0",namespace="llm",container="server"} 250.5
      DCGM_FI_DEV_POWER_USAGE{gpu="0",UUID="GPU-a",pod="tgi-0",namespace="llm",container="sidecar"} 250.5
      DCGM_FI_DEV_POWER_USAGE{gpu="1",UUID="GPU-b",pod="train-7",namespace="research",container="trainer"} 390
      DCGM_FI_DEV_POWER_USAGE{gpu="2",UUID="GPU-c"} 50
      # TYPE DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION counter
      DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu="0",UUID="GPU-a",pod="tgi-0",namespace="llm",container="server"} 7000
      DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu="1",UUID="GPU-b",pod="train-7",namespace="research",container="trainer"} 9000
      DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu="2",UUID="GPU-c"} 1000
      """;

  static final String UNMAPPED = """
      # TYPE DCGM_FI_DEV_POWER_USAGE gauge
      DCGM_FI_DEV_POWER_USAGE{gpu="0",UUID="GPU-a"} 100
      DCGM_FI_DEV_POWER_USAGE{gpu="1",UUID="GPU-b"} 60
      """;

  private static DcgmReading read(String page, String... pods) throws Exception {
    return DcgmReading.of(PrometheusTextParser.parse(page), List.of(pods));
  }

  @Test
  void withPodLabelsOnlyTheTargetsPodsGpusCountAndAGpuSharedByTwoContainersCountsOnce() throws Exception {
    DcgmReading r = read(MAPPED, "llm/tgi-0", "llm/tgi-1");
    assertThat(r.selection()).isEqualTo(DcgmReading.Selection.POD_LABELS);
    assertThat(r.gpus()).isEqualTo(1);
    assertThat(r.watts()).isEqualTo(250.5);
    assertThat(r.energyJoules()).isEqualTo(7.0);
    assertThat(r.values()).containsEntry("gpuUtilization", 80.0);
  }

  @Test
  void withoutPodLabelsEveryGpuOfTheNodeCountsAndSaysSo() throws Exception {
    DcgmReading r = read(UNMAPPED, "llm/tgi-0");
    assertThat(r.selection()).isEqualTo(DcgmReading.Selection.NODE);
    assertThat(r.gpus()).isEqualTo(2);
    assertThat(r.watts()).isEqualTo(160.0);
  }

  @Test
  void noPodsAskedForCountsEveryGpuAsASingleMetricsDcgmDoes() throws Exception {
    DcgmReading r = read(MAPPED);
    assertThat(r.selection()).isEqualTo(DcgmReading.Selection.ALL);
    assertThat(r.gpus()).isEqualTo(3);
    assertThat(r.watts()).isEqualTo(250.5 + 390 + 50);
    assertThat(r.energyJoules()).isEqualTo(17.0);
    assertThat(r.values()).containsEntry("gpuUtilization", 60.0);
  }

  @Test
  void targetPodsNoGpuIsLabelledWithCountNone() throws Exception {
    DcgmReading r = read(MAPPED, "llm/other-0");
    assertThat(r.gpus()).isZero();
    assertThat(r.watts()).isNull();
    assertThat(r.values()).isEmpty();
  }
}
