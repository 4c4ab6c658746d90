package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.barrage.protocol.scenario.TestScenario;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM to the process group of a real {@code barrage run} (coordinator + one worker JVM) in the
 * middle of a capacity search: summary.json says the search ended {@code interrupted}, with the
 * probes measured so far judged and the cut one marked and not judged, as does capacity.csv.
 */
class InterruptedSearchIT {
  @TempDir Path dir;

  @Test
  void aSearchInterruptedMidwayStatesTheProbesItMeasured() throws Exception {
    try (SimulatorServer sim = SimulatorServer.start(SimulatorConfig.loopback("tgi-fast"))) {
      // every load meets this SLO: the search would bracket up to 64 users, so it is still running when signalled
      Path f = TestScenario.named("interrupted-search").target("sim", sim.baseUrl()).maxNewTokens("[8]")
          .load("{search: {by: concurrency, min: 1, max: 64}}").step("{duration: 2s}").with("slo: {e2eP99: 60s}")
          .writeTo(dir.resolve("search.yaml"));
      Path out = dir.resolve("out");
      BarrageProcess.Launch launch = BarrageProcess.barrage("run", f.toString(), "--out", out.toString(), "--local-workers", "1")
          .heap("384m").env("BARRAGE_WORKER_JAVA_OPTS", "-Xmx256m -XX:TieredStopAtLevel=1").ownProcessGroup();
      try (BarrageProcess p = launch.start(dir.resolve("run.log"))) {
        Path summary = out.resolve("summary.json");
        await("two probes written").atMost(Duration.ofSeconds(90)).until(() -> cells(summary) >= 2 || !p.isAlive());
        assertThat(p.isAlive()).as(p.log()).isTrue();
        long served = sim.stats().requestsSucceeded();
        await("the third probe measuring").atMost(Duration.ofSeconds(30)).until(() -> sim.stats().requestsSucceeded() > served + 20);
        p.signal("TERM");
        try {
          await("an interrupted summary").atMost(Duration.ofSeconds(25)).until(() -> "interrupted".equals(outcome(summary)) && cells(summary) == 3);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
          throw new AssertionError(e.getMessage() + "\n" + p.tail(60), e);
        }
        assertThat(p.waitFor(Duration.ofSeconds(30))).as("the process exits").isTrue();
        assertThat(p.exitValue()).as(p.log()).isNotZero();

        JsonNode t = new ObjectMapper().readTree(summary.toFile()).path("targets").get(0);
        JsonNode c = t.path("capacity");
        assertThat(c.path("end").asText()).as(c.toString()).isEqualTo("interrupted");
        assertThat(c.path("probes").asInt()).isEqualTo(3);
        assertThat(c.path("steps").findValuesAsText("cell")).containsExactly("sim/m8/c1/probe1", "sim/m8/c2/probe2", "sim/m8/c4/probe3");
        assertThat(c.path("steps").get(0).path("met").asBoolean()).isTrue();
        assertThat(c.path("steps").get(1).path("met").asBoolean()).isTrue();
        assertThat(c.path("steps").get(2).path("met").isNull()).as("the cut probe is not judged").isTrue();
        assertThat(c.path("sustained").asDouble()).isEqualTo(2.0);
        assertThat(c.path("cell").asText()).isEqualTo("sim/m8/c2/probe2");
        assertThat(c.path("said").asText()).startsWith("sim: probe 3 was cut short").contains("it sustains 2 concurrent requests");

        JsonNode cut = t.path("cells").get(2);
        assertThat(cut.path("status").asText()).isEqualTo("interrupted");
        assertThat(cut.path("probe").path("step").asInt()).isEqualTo(3);
        assertThat(cut.path("probe").path("met").isNull()).isTrue();
        assertThat(t.path("cells").get(0).path("probe").path("met").asBoolean()).isTrue();

        assertThat(p.log()).as("the command line's summary").contains("capacity sim (m8): sim: probe 3 was cut short");
        assertThat(Files.readAllLines(out.resolve("capacity.csv"))).hasSize(2).last().asString()
            .startsWith("sim,8,1,concurrency,2,false,,0.05,,3,interrupted,false,sim/m8/c2/probe2,");
      }
    }
  }

  private static String outcome(Path summary) {
    try {
      return Files.exists(summary) ? new ObjectMapper().readTree(summary.toFile()).path("run").path("outcome").asText() : null;
    } catch (java.io.IOException e) {
      return null; // being replaced
    }
  }

  private static int cells(Path summary) {
    try {
      return Files.exists(summary) ? new ObjectMapper().readTree(summary.toFile()).path("targets").get(0).path("cells").size() : 0;
    } catch (java.io.IOException | RuntimeException e) {
      return 0;
    }
  }
}
