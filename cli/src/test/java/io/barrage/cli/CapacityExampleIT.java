package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.coordinator.report.ResultSet;
import io.barrage.coordinator.report.model.Capacity;
import io.barrage.coordinator.report.model.CapacityComparison;
import io.barrage.coordinator.report.model.Summary;
import io.barrage.simulator.Profiles;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code examples/capacity-fastapi-vs-tgi.yaml} whole, as its comments tell a user to run it: against
 * the two article profiles at 10x speed, only the URLs overridden. It must end with both capacities,
 * their ratio and the cost at capacity.
 */
class CapacityExampleIT {
  @TempDir Path dir;

  @Test
  @Timeout(value = 420, unit = TimeUnit.SECONDS)
  void theCapacityExampleEndsWithBothCapacitiesTheirRatioAndTheCostAtCapacity() throws Exception {
    Path example = ExamplesIT.EXAMPLES.resolve("capacity-fastapi-vs-tgi.yaml");
    try (SimulatorServer fastapi = SimulatorServer.start(SimulatorConfig.loopback(Profiles.get(Profiles.FASTAPI_A100).withTimeScale(10)));
        SimulatorServer tgi = SimulatorServer.start(SimulatorConfig.loopback(Profiles.get(Profiles.TGI_2XA4000).withTimeScale(10)))) {
      Path out = dir.resolve("out");
      PrintStream old = System.out;
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      int code;
      try {
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        code = BarrageMain.execute("run", example.toString(), "--out", out.toString(), "--local-workers", "0",
            "--set", "targets[0].url=" + fastapi.baseUrl() + "/generate", "--set", "targets[1].url=" + tgi.baseUrl());
      } finally {
        System.setOut(old);
      }
      String printed = buf.toString(StandardCharsets.UTF_8);
      assertThat(code).as(printed).isEqualTo(ExitCodes.OK);
      Summary s = ResultSet.read(out).summary();
      Capacity f = s.target("fastapi-a100").capacity(), t = s.target("tgi-2xa4000").capacity();
      assertThat(f.sustained()).as(f.said()).isPositive();
      assertThat(t.sustained()).as(t.said()).isGreaterThan(f.sustained());
      assertThat(f.usdPer1MTokens()).isPositive();
      assertThat(t.usdPer1MTokens()).isPositive().isLessThan(f.usdPer1MTokens());
      CapacityComparison cc = s.capacity().get(0);
      assertThat(cc.ratio()).isEqualTo(Math.round(t.sustained() / f.sustained() * 1000) / 1000.0);
      assertThat(printed).contains("capacity fastapi-a100 (m128): fastapi-a100 sustains ").contains("capacity tgi-2xa4000 (m128): tgi-2xa4000 sustains ")
          .containsPattern("tgi-2xa4000 sustains [0-9.]+× the concurrency of fastapi-a100 under p99 e2e ≤ 5 s")
          .containsPattern("USD per 1M tokens at that load: tgi-2xa4000 [0-9.]+, fastapi-a100 [0-9.]+");
    }
  }
}
