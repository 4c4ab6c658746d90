package io.barrage.protocol.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import io.barrage.protocol.scenario.Arrivals;
import io.barrage.protocol.scenario.InvalidScenarioException;
import io.barrage.protocol.scenario.Scenario;
import io.barrage.protocol.scenario.ScenarioLoader;
import io.barrage.protocol.scenario.TestScenario;
import io.barrage.protocol.wire.KryoWireSerializer;
import io.barrage.protocol.wire.OrderKey;
import io.barrage.protocol.wire.WorkerProtocol;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code load.stages}: one ramp cell, its arithmetic, and clear errors for bad stage lists. */
class StagesTest {

  static TestScenario ramp(String stages) {
    return TestScenario.named("ramp").load("{stages: " + stages + "}").step("{warmup: 0s}");
  }

  @Test
  void aStageListIsOneRampCellThatLastsAsLongAsItsStages() {
    Scenario s = ramp("[{rate: 5, duration: 2m}, {rate: 50, duration: 5m}, {rate: 0, duration: 30s}]").parse();
    List<CellSpec> cells = CellPlanner.plan(s);
    assertThat(cells).hasSize(1);
    Load.Ramp r = (Load.Ramp) cells.get(0).load();
    assertThat(r.closedLoop()).isFalse();
    assertThat(r.arrivals()).isEqualTo(Arrivals.POISSON);
    assertThat(r.stages()).containsExactly(new Load.Stage(5, 120_000), new Load.Stage(50, 300_000), new Load.Stage(0, 30_000));
    assertThat(cells.get(0).id()).isEqualTo("a/m16/stages-r5-50-0");
    assertThat(s.workload().step().duration()).isEqualTo(Duration.ofSeconds(450));
    Load.Ramp users = (Load.Ramp) CellPlanner.plan(ramp("[{concurrency: 10, duration: 1m}]").parse()).get(0).load();
    assertThat(users.closedLoop()).isTrue();
  }

  @Test
  void theLevelMovesLinearlyFromThePreviousStagesLevelAndTheIntegralIsTheExpectedArrivals() {
    RampProfile p = new RampProfile(List.of(new Load.Stage(10, 2000), new Load.Stage(40, 3000), new Load.Stage(40, 0), new Load.Stage(0, 2000)));
    assertThat(p.level(0)).isEqualTo(0);
    assertThat(p.level(1)).isEqualTo(5);
    assertThat(p.level(3.5)).isEqualTo(25);
    assertThat(p.level(100)).isEqualTo(0);
    assertThat(p.cumulative(2)).isEqualTo(10);          // 0 → 10 over 2 s
    assertThat(p.cumulative(5)).isEqualTo(10 + 75);     // 10 → 40 over 3 s
    assertThat(p.totalArea()).isEqualTo(10 + 75 + 40);  // 40 → 0 over 2 s
    for (double s : new double[] {0, 0.5, 3, 10, 40, 84.9, 100, 124.99}) {
      assertThat(p.cumulative(p.timeOf(s))).as("integral at timeOf(%s)", s).isCloseTo(s, within(1e-9));
    }
    assertThat(p.timeOf(125.5)).isInfinite();
  }

  @Test
  void aJumpStageOfZeroSecondsSetsTheLevelAtOnce() {
    RampProfile p = new RampProfile(List.of(new Load.Stage(20, 0), new Load.Stage(20, 1000)));
    assertThat(p.level(0.5)).isEqualTo(20);
    assertThat(p.timeOf(10)).isCloseTo(0.5, within(1e-12));
  }

  static List<String> problems(TestScenario t) {
    InvalidScenarioException e = catchThrowableOfType(() -> ScenarioLoader.parse(t.yaml(), null), InvalidScenarioException.class);
    assertThat(e).as("refused: " + t.yaml()).isNotNull();
    return e.problems().stream().map(p -> p.path() + ": " + p.message()).toList();
  }

  @Test
  void badStageListsAreRefusedWithThePathOfEachProblem() {
    assertThat(problems(ramp("[]"))).anyMatch(p -> p.startsWith("workload.load.stages: must not be empty"));
    assertThat(problems(ramp("[{rate: 5, concurrency: 3, duration: 1m}]"))).anyMatch(p -> p.startsWith("workload.load.stages[0]: give exactly one of rate"));
    assertThat(problems(ramp("[{rate: 5}]"))).anyMatch(p -> p.startsWith("workload.load.stages[0].duration: required"));
    assertThat(problems(ramp("[{rate: -1, duration: 1m}]"))).anyMatch(p -> p.startsWith("workload.load.stages[0].rate: must be >= 0"));
    assertThat(problems(ramp("[{rate: 5, duration: 1m}, {concurrency: 5, duration: 1m}]"))).anyMatch(p -> p.contains("mixes rate and concurrency"));
    assertThat(problems(ramp("[{rate: 5, duration: 0s}]"))).anyMatch(p -> p.contains("0 s in total"));
    assertThat(problems(ramp("[{rate: 0, duration: 1m}]"))).anyMatch(p -> p.contains("every stage's level is 0"));
    assertThat(problems(ramp("[{concurrency: 5, duration: -1s}]"))).anyMatch(p -> p.startsWith("workload.load.stages[0].duration: '-1s' is not a duration"));
    assertThat(problems(TestScenario.named("r").load("{stages: [{rate: 5, duration: 1m}]}").step("{duration: 2m}")))
        .anyMatch(p -> p.startsWith("workload.step: with load.stages leave out"));
    assertThat(problems(TestScenario.named("r").load("{stages: [{rate: 5, duration: 1m}], rate: [2]}").step("{warmup: 0s}")))
        .anyMatch(p -> p.startsWith("workload.load: give exactly one of concurrency, rate or stages"));
    assertThat(problems(ramp("[{rate: 5, duration: 10s}]").step("{warmup: 10s}"))).anyMatch(p -> p.startsWith("workload.step.warmup: must be shorter"));
  }

  @Test
  void aRampLongerThanTheDeploymentsLimitIsRefused() {
    assertThat(problems(ramp("[{rate: 5, duration: 1000h}, {rate: 5, duration: 1000h}]")))
        .anyMatch(p -> p.startsWith("workload.load.stages: ") && p.contains("max-duration"));
  }

  @Test
  void aRampTravelsOnTheWire() {
    Load.Ramp r = (Load.Ramp) CellPlanner.plan(ramp("[{rate: 5, duration: 2s}, {rate: 1, duration: 1s}]").parse()).get(0).load();
    CellSpec spec = new CellSpec(0, "a/m16/" + r.id(), "a", 16, r, 1);
    KryoWireSerializer.WireCodec codec = new KryoWireSerializer.WireCodec(() -> null);
    WorkerProtocol.StartStep order = new WorkerProtocol.StartStep("run", "w1", "yaml", "", spec, new LoadShare(0, 0, 1, 2, -1), 0, null, OrderKey.random());
    assertThat(codec.decode(codec.encode(order))).isEqualTo(order);
  }
}
