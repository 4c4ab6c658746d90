package io.barrage.worker.engine;

import static io.barrage.worker.engine.EngineFixture.QUICK;
import static io.barrage.worker.engine.EngineFixture.closed;
import static io.barrage.worker.engine.EngineFixture.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.scenario.ApiKind;
import io.barrage.protocol.scenario.LoadSpec;
import io.barrage.protocol.scenario.PromptSpec;
import io.barrage.protocol.scenario.SessionSpec;
import io.barrage.protocol.scenario.StepSpec;
import io.barrage.protocol.scenario.Target;
import io.barrage.protocol.scenario.Workload;
import io.barrage.simulator.Profile;
import io.barrage.simulator.Profiles;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import io.barrage.simulator.TruthRecord;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Sessions against a simulator that fails some requests: a failed turn ends its session, and the
 * turns that session had claimed but never sent go back to the worker's quota, so the step still
 * sends exactly {@code step.requests}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionFaultsIT {
  static final int REQUESTS = 60;
  ActorSystem system;
  LoadEngine engine;
  SimulatorServer sim;

  @BeforeAll
  void up() {
    system = ActorSystem.create("session-faults-it");
    engine = new LoadEngine(system, EngineSettings.defaults());
    // one request in five is a shard failure (HTTP 424 before any token), drawn from the seed
    Profile p = Profiles.get(Profiles.TGI_FAST).withFaults(new Profile.Faults(0.2, 0, 0, Duration.ZERO, 0, 1, Duration.ZERO));
    sim = SimulatorServer.start(SimulatorConfig.loopback(p).withSeed(11));
  }

  @AfterAll
  void down() {
    sim.close();
    system.terminate();
  }

  @Test
  void turnsAFailedSessionNeverSentGoBackToTheQuotaSoTheStepSendsExactlyItsRequests() throws Exception {
    Workload w = new Workload(new PromptSpec(null, null, new PromptSpec.Synthetic(new PromptSpec.TokenDistribution(20, 0, null, null))),
        List.of(8), new LoadSpec(List.of(3), null, null), new StepSpec(REQUESTS, null, null), QUICK, 42L,
        new SessionSpec(4, Duration.ZERO, null, null));
    Target chat = new Target("chat", ApiKind.OPENAI_CHAT, sim.baseUrl(), "m", null, null, null, true);
    CellAggregate a = run(engine, closed(chat, w, 3));

    // the faults struck: sessions failed before their last turn, whose turns would have gone unsent
    assertThat(a.traffic().sessionsFailed()).as("failed sessions").isPositive();
    assertThat(a.errorCount()).isPositive();
    assertThat(a.ok() + a.errorCount()).as("answered + failed").isEqualTo(REQUESTS);
    await("every request in the truth log").atMost(Duration.ofSeconds(20)).until(() -> sim.truth().all().size() >= REQUESTS);
    List<TruthRecord> truth = List.copyOf(sim.truth().all());
    assertThat(truth).as("requests the simulator saw").hasSize(REQUESTS);
    assertThat(sim.stats().requestsReceived()).isEqualTo(REQUESTS);
    // the worker's counts are the server's: every answered request ok, every faulted one an error
    assertThat(truth.stream().filter(r -> r.outcome().equals("ok")).count()).as("ok in the truth log").isEqualTo(a.ok());
    assertThat(truth.stream().filter(r -> !r.outcome().equals("ok")).count()).as("faults in the truth log").isEqualTo(a.errorCount());
    // and every session started either completed or failed (none was left holding unsent turns)
    assertThat(a.traffic().sessionsCompleted() + a.traffic().sessionsFailed()).isEqualTo(a.traffic().sessionsStarted());
  }
}
