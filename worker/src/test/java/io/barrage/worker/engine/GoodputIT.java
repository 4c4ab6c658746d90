package io.barrage.worker.engine;

import static io.barrage.worker.engine.EngineFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.scenario.ApiKind;
import io.barrage.protocol.scenario.GoodputThresholds;
import io.barrage.protocol.scenario.SloSpec;
import io.barrage.protocol.scenario.Timeouts;
import io.barrage.simulator.Profile;
import io.barrage.simulator.Profiles;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import io.barrage.simulator.TruthRecord;
import io.barrage.worker.client.RequestTrace;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Goodput against the simulator, checked on its truth log. The simulator stalls a quarter of the
 * streams for 10 s after their second token and breaks some streams in the middle; the others finish
 * in milliseconds (a few seconds for the first, cold requests).
 *
 * <p>What the truth allows: the client sends before the server sees a request and reads the last
 * token after the server wrote it, so a request's measured e2e is never below its true e2e: every
 * good request is truly within the threshold (an exact upper bound). The client adds at most
 * {@link SimulatorIT#MAX_ERROR_NANOS} to a true e2e on this machine, so every ok request truly within
 * the threshold minus that bound is good (the lower bound). And the worker's count is exactly the
 * number of measured ok requests whose own e2e met the threshold.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GoodputIT {
  static final long THRESHOLD_NANOS = 6_000_000_000L;
  ActorSystem system;
  LoadEngine engine;
  final Map<String, RequestTrace> traces = new ConcurrentHashMap<>();

  @BeforeAll
  void up() {
    system = ActorSystem.create("goodput-it");
    engine = new LoadEngine(system, EngineSettings.defaults());
    engine.onRequest(t -> traces.put(t.id, t));
  }

  @AfterAll
  void down() {
    system.terminate();
  }

  @Test
  void theGoodRequestsAreThoseWithinTheThresholdAndTheTruthLogBoundsTheirCount() throws Exception {
    Profile p = Profiles.get(Profiles.TGI_FAST)
        .withFaults(new Profile.Faults(0, 0.15, 0.25, Duration.ofSeconds(10), 0, 2, Duration.ZERO));
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(p))) {
      SloSpec slo = new SloSpec(null, null, Duration.ofNanos(THRESHOLD_NANOS), null);
      Timeouts patient = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60));
      StepRequest plain = closed(target("g", ApiKind.TGI_STREAM, s.baseUrl()), requests(40, patient), 8);
      StepRequest r = new StepRequest(plain.workerId(), plain.cell(), plain.target(), plain.workload(), plain.share(),
          plain.startAtEpochMs(), plain.baseDir(), GoodputThresholds.of(slo));
      CellAggregate a = run(engine, r);

      long measuredGood = 0, truthWithin = 0, truthClearlyWithin = 0, truthOver = 0;
      for (RequestTrace t : traces.values()) {
        if (!t.measured || !t.ok()) continue;
        if (t.tLast - t.tSend <= THRESHOLD_NANOS) measuredGood++;
        TruthRecord truth = s.truth().get(t.id).orElseThrow();
        long e2e = truth.tokenNanos()[truth.tokenNanos().length - 1] - truth.arrivalNanos();
        if (e2e <= THRESHOLD_NANOS) truthWithin++;
        else truthOver++;
        if (e2e <= THRESHOLD_NANOS - SimulatorIT.MAX_ERROR_NANOS) truthClearlyWithin++;
      }
      assertThat(a.ok() + a.errorCount()).isEqualTo(40);
      assertThat(truthOver).as("some successful requests were truly too slow (stalled)").isPositive();
      assertThat(a.goodRequests()).as("the worker's count").isEqualTo(measuredGood);
      assertThat(a.goodRequests()).as("never more than the truth allows").isLessThanOrEqualTo(truthWithin);
      assertThat(a.goodRequests()).as("never fewer than the clearly fast ones").isGreaterThanOrEqualTo(truthClearlyWithin);
      assertThat(truthClearlyWithin).as("the bound says something").isPositive();
      assertThat(a.goodOutputTokens()).isEqualTo(a.goodRequests() * 8);
    }
  }
}
