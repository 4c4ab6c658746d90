package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.protocol.scenario.TestScenario;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built {@code barrage.jar}, run as users run it ({@code ./barrage} is {@code java -jar} on it):
 * a run with a worker JVM of its own exercises the cluster, mutual TLS, Kryo and the histograms, so a
 * dependency left out of the jar fails here rather than on a user's first command. Failsafe runs
 * after {@code package}, so the jar is the one this build made.
 */
class BarrageJarIT {
  @TempDir Path dir;

  @Test
  void theJarRunsAScenarioWithALocalWorkerAndWritesItsResults() throws Exception {
    Path jar = Path.of("target", "barrage.jar").toAbsolutePath();
    assertThat(jar).as("the shaded jar of this build").exists();
    try (SimulatorServer sim = SimulatorServer.start(SimulatorConfig.loopback("tgi-fast"))) {
      Path scenario = TestScenario.named("jar-it").target("sim", sim.baseUrl()).maxNewTokens("[8]").load("{concurrency: [2]}")
          .step("{requests: 20}").writeTo(dir.resolve("s.yaml"));
      Path out = dir.resolve("out");
      try (BarrageProcess run = BarrageProcess.barrage("run", scenario.toString(), "--out", out.toString(), "--local-workers", "1")
          .heap("512m").fromJar(jar).start(dir.resolve("run.log"))) {
        assertThat(run.waitFor(Duration.ofSeconds(120))).as("the run ends\n%s", run.tail(40)).isTrue();
        assertThat(run.exitValue()).as(run.tail(40)).isEqualTo(ExitCodes.OK);
        assertThat(run.log()).doesNotContain("NoClassDefFoundError").doesNotContain("ClassNotFoundException");
      }
      assertThat(out.resolve("summary.json")).exists();
      assertThat(out.resolve("report.html")).exists();
      assertThat(sim.stats().requestsSucceeded()).isEqualTo(20);
    }
  }
}
