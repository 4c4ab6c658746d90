package io.barrage.worker.engine;

import static io.barrage.worker.engine.EngineFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.protocol.plan.CellSpec;
import io.barrage.protocol.plan.Load;
import io.barrage.protocol.plan.LoadShare;
import io.barrage.protocol.plan.RampProfile;
import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.scenario.ApiKind;
import io.barrage.protocol.scenario.Arrivals;
import io.barrage.protocol.scenario.PromptSpec;
import io.barrage.protocol.scenario.StepSpec;
import io.barrage.protocol.scenario.Target;
import io.barrage.protocol.scenario.Workload;
import io.barrage.simulator.Profile;
import io.barrage.simulator.Profiles;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import io.barrage.simulator.TruthRecord;
import io.barrage.worker.client.RequestTrace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Ramps ({@code load.stages}) against the simulator, split over two workers (two slices of the same
 * cell, as the coordinator gives them), checked on the simulator's truth log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RampIT {
  ActorSystem system;
  LoadEngine engine;
  final Map<String, RequestTrace> traces = new ConcurrentHashMap<>();

  @BeforeAll
  void up() {
    system = ActorSystem.create("ramp-it");
    engine = new LoadEngine(system, EngineSettings.defaults());
    engine.onRequest(t -> traces.put(t.id, t));
  }

  @AfterAll
  void down() {
    system.terminate();
  }

  /** Both workers' shares of one ramp cell, started together {@code delayMs} from now; returns the ramp's start in nanoTime. */
  long runOnTwoWorkers(Target t, Load.Ramp ramp, double seconds, CellAggregate into) throws Exception {
    Workload w = workload(new PromptSpec("hello there", null, null), new StepSpec(null, Duration.ofMillis((long) (seconds * 1000)), null), QUICK);
    CellSpec cell = new CellSpec(0, t.name() + "/m8/" + ramp.id(), t.name(), 8, ramp, 1);
    long startAt = System.currentTimeMillis() + 1500;
    long t0 = System.nanoTime() + (startAt - System.currentTimeMillis()) * 1_000_000L;
    List<RunningStep> steps = new ArrayList<>();
    for (int slice = 0; slice < 2; slice++) {
      steps.add(engine.start(new StepRequest("w" + slice, cell, t, w, new LoadShare(0, 0, slice, 2, -1), startAt, null)));
    }
    for (RunningStep s : steps) s.done().toCompletableFuture().get((long) seconds + 60, TimeUnit.SECONDS);
    for (RunningStep s : steps) into.add(s.drainInterval());
    return t0;
  }

  @Test
  void aRateRampSendsThePlannedArrivalsInEveryStage() throws Exception {
    // 0 → 10/s over 2 s, → 40/s over 3 s, 40/s for 2 s, → 0 over 2 s: 10, 75, 80 and 40 arrivals
    Load.Ramp ramp = new Load.Ramp(List.of(new Load.Stage(10, 2000), new Load.Stage(40, 3000), new Load.Stage(40, 2000), new Load.Stage(0, 2000)),
        false, Arrivals.CONSTANT);
    RampProfile profile = new RampProfile(ramp.stages());
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST))) {
      traces.clear();
      CellAggregate a = new CellAggregate("r/m8/" + ramp.id());
      long t0 = runOnTwoWorkers(target("r", ApiKind.TGI_STREAM, s.baseUrl()), ramp, profile.durationSeconds(), a);
      assertThat(a.ok()).as("every planned arrival was sent and answered").isEqualTo(205);
      double[] bounds = {0, 2, 5, 7, 9};
      long[] planned = new long[4], seen = new long[4], perWorker = new long[2];
      long maxLagNs = 0;
      for (int k = 0; k < 4; k++) {
        planned[k] = Math.round(profile.cumulative(bounds[k + 1])) - Math.round(profile.cumulative(bounds[k]));
      }
      for (RequestTrace t : traces.values()) {
        TruthRecord truth = s.truth().get(t.id).orElseThrow();
        maxLagNs = Math.max(maxLagNs, truth.arrivalNanos() - t.tSched);
        double at = (truth.arrivalNanos() - t0) / 1e9;
        for (int k = 0; k < 4; k++) if (at >= bounds[k] && (at < bounds[k + 1] || k == 3)) seen[k]++;
        perWorker[t.id.contains("-w0-") ? 0 : 1]++;
      }
      assertThat(planned).containsExactly(10, 75, 80, 40);
      // an arrival lands in another stage than planned only if it was planned within the largest
      // delay from intended send to the server's arrival (measured here) of a boundary: at most the
      // rate there times that delay, plus one for rounding, plus the workers' start skew (< 10 ms)
      assertThat(maxLagNs).as("delay intended send → server arrival").isLessThan(1_000_000_000L);
      double slack = 1 + Math.ceil(40 * (maxLagNs + 10_000_000L) / 1e9);
      for (int k = 0; k < 4; k++) {
        assertThat((double) Math.abs(seen[k] - planned[k])).as("stage %d: truth %d vs planned %d (slack %.0f)", k, seen[k], planned[k], slack)
            .isLessThanOrEqualTo(slack);
      }
      assertThat(perWorker[0] + perWorker[1]).isEqualTo(205);
      assertThat(Math.abs(perWorker[0] - perWorker[1])).as("the two slices share the arrivals evenly").isLessThanOrEqualTo(1);
    }
  }

  /** Requests at the simulator at instant {@code at} (seconds from t0), of ids containing {@code who}. */
  static long inFlight(List<TruthRecord> truths, long t0, double at, String who) {
    long t = t0 + (long) (at * 1e9);
    return truths.stream().filter(r -> r.id().contains(who) && r.arrivalNanos() <= t && r.endNanos() > t).count();
  }

  static long maxInFlight(List<TruthRecord> truths, long t0, double from, double to, String who) {
    long max = 0;
    for (double at = from; at <= to; at += 0.01) max = Math.max(max, inFlight(truths, t0, at, who));
    return max;
  }

  @Test
  void aConcurrencyRampsInFlightRequestsFollowTheStages() throws Exception {
    // 0 → 6 users over 2 s, 6 for 3 s, down to 2 at once, 2 for 3 s
    Load.Ramp ramp = new Load.Ramp(List.of(new Load.Stage(6, 2000), new Load.Stage(6, 3000), new Load.Stage(2, 0), new Load.Stage(2, 3000)), true, null);
    // 100x slower than tgi-fast: a request lasts about 0.2 s, so a user is almost always inside one
    Profile slow = Profiles.get(Profiles.TGI_FAST).withTimeScale(0.01);
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(slow))) {
      traces.clear();
      CellAggregate a = new CellAggregate("c/m8/" + ramp.id());
      long t0 = runOnTwoWorkers(target("c", ApiKind.TGI_STREAM, s.baseUrl()), ramp, 8, a);
      assertThat(a.errorCount()).isZero();
      List<TruthRecord> truths = new ArrayList<>();
      for (RequestTrace t : traces.values()) truths.add(s.truth().get(t.id).orElseThrow());
      // the level rounded down: 1 user from 1/3 s, 2 from 2/3 s, ... 6 from 2 s
      assertThat(maxInFlight(truths, t0, 0, 0.3, "")).as("no user before the level reaches 1").isZero();
      assertThat(maxInFlight(truths, t0, 0.05, 0.95, "")).as("at most 2 users before 1 s").isLessThanOrEqualTo(2);
      assertThat(maxInFlight(truths, t0, 2.3, 4.9, "")).as("the plateau of 6").isEqualTo(6);
      assertThat(maxInFlight(truths, t0, 2.3, 4.9, "-w0-")).as("3 users on each worker").isEqualTo(3);
      assertThat(maxInFlight(truths, t0, 2.3, 4.9, "-w1-")).isEqualTo(3);
      // after the drop to 2 users, the others retire once their request in flight ends (< 1 s here)
      assertThat(maxInFlight(truths, t0, 6.0, 7.9, "")).as("the plateau of 2").isEqualTo(2);
      assertThat(maxInFlight(truths, t0, 6.0, 7.9, "-w0-")).isEqualTo(1);
      assertThat(maxInFlight(truths, t0, 6.0, 7.9, "-w1-")).isEqualTo(1);
      // most of the plateau the users are inside a request: the gauge follows the level, not just its peak
      long samples = 0, atLevel = 0;
      for (double at = 2.5; at < 4.9; at += 0.05, samples++) if (inFlight(truths, t0, at, "") >= 5) atLevel++;
      assertThat(atLevel).as("instants of the 6-user plateau with at least 5 in flight").isGreaterThan(samples / 2);
    }
  }

  /** A ramp step's first interval starts when its part of the ramp starts: the start instant, or later when the order came late. */
  @Test
  void aRampStepsFirstIntervalStartsWhenItsPartStarts() throws Exception {
    Load.Ramp ramp = new Load.Ramp(List.of(new Load.Stage(4, 1000)), false, Arrivals.CONSTANT);
    Workload w = workload(new PromptSpec("hello there", null, null), new StepSpec(null, Duration.ofMillis(1000), null), QUICK);
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST))) {
      Target t = target("r", ApiKind.TGI_STREAM, s.baseUrl());
      CellSpec cell = new CellSpec(0, "r/m8/" + ramp.id(), "r", 8, ramp, 1);
      // on time: the order arrives 800 ms ahead of the start instant
      long startAt = System.currentTimeMillis() + 800;
      RunningStep onTime = engine.start(new StepRequest("w0", cell, t, w, new LoadShare(0, 0, 0, 1, -1), startAt, null));
      onTime.done().toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertThat(onTime.drainInterval().startEpochMs()).isEqualTo(startAt);
      // late: the order arrives 1 s after the start instant, so the step begins when it is started
      long before = System.currentTimeMillis();
      RunningStep late = engine.start(new StepRequest("w1", cell, t, w, new LoadShare(0, 0, 0, 1, -1), before - 1000, null));
      long after = System.currentTimeMillis();
      late.done().toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertThat(late.drainInterval().startEpochMs()).isBetween(before, after);
    }
  }
}
