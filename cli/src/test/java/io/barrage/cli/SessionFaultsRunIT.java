package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.barrage.coordinator.report.ResultSet;
import io.barrage.coordinator.report.model.CellSummary;
import io.barrage.coordinator.report.model.Summary;
import io.barrage.protocol.scenario.TestScenario;
import io.barrage.simulator.Profile;
import io.barrage.simulator.Profiles;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import io.barrage.simulator.TruthRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code barrage run} of multi-turn sessions over two worker JVMs against a simulator that fails one
 * request in five: the step sends exactly {@code step.requests} (the turns of failed sessions go back
 * to their worker's quota), and summary.json counts what the simulator's truth log holds.
 */
class SessionFaultsRunIT {
  static final int REQUESTS = 48;
  @TempDir Path dir;

  @Test
  void aSessionStepWithFailingTurnsSendsExactlyItsRequestsAndTheSummaryMatchesTheTruthLog() throws Exception {
    Profile p = Profiles.get(Profiles.TGI_FAST).withFaults(new Profile.Faults(0.2, 0, 0, Duration.ZERO, 0, 1, Duration.ZERO));
    try (SimulatorServer sim = SimulatorServer.start(SimulatorConfig.loopback(p).withSeed(5))) {
      Path f = TestScenario.named("session-faults").target("chat", "openai-chat", sim.baseUrl()).maxNewTokens("[8]")
          .load("{concurrency: [3]}").step("{requests: " + REQUESTS + "}").workload("session", "{turns: 4}")
          .writeTo(dir.resolve("s.yaml"));
      Path out = dir.resolve("out");
      int code = BarrageMain.execute("run", f.toString(), "--out", out.toString(), "--local-workers", "2");
      assertThat(code).isEqualTo(ExitCodes.OK);

      Summary summary = ResultSet.read(out).summary();
      CellSummary c = summary.targets().get(0).cells().get(0);
      await("every request in the truth log").atMost(Duration.ofSeconds(20)).until(() -> sim.truth().all().size() >= REQUESTS);
      List<TruthRecord> truth = List.copyOf(sim.truth().all());
      assertThat(truth).as("requests the simulator saw").hasSize(REQUESTS);
      assertThat(c.traffic().sessions().failed()).as("sessions ended by a fault").isPositive();
      assertThat(c.requests().ok() + c.requests().errorTotal()).as("ok + errors in summary.json").isEqualTo(REQUESTS);
      assertThat(c.requests().ok()).as("ok = the truth log's ok records").isEqualTo(truth.stream().filter(r -> r.outcome().equals("ok")).count());
      assertThat(c.requests().errorTotal()).as("errors = the truth log's faults")
          .isEqualTo(truth.stream().filter(r -> !r.outcome().equals("ok")).count());
      assertThat(c.traffic().sessions().completed() + c.traffic().sessions().failed()).isEqualTo(c.traffic().sessions().started());
    }
  }
}
