package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.barrage.protocol.plan.Load;
import io.barrage.protocol.plan.RampProfile;
import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.results.CellRecord;
import io.barrage.protocol.results.RunOutcome;
import io.barrage.protocol.results.RunRecord;
import io.barrage.protocol.results.WorkerEvent;
import io.barrage.simulator.TruthRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rate ramp over three worker JVMs, one killed (SIGKILL) early in it: the loss is found, the two
 * survivors re-slice the ramp's arrival schedule between them and carry the remaining stages at the
 * full planned rate, the per-second series has every second once, and the counts agree with the
 * simulator's truth log.
 */
class RampWorkerLossIT {
  @TempDir Path out;

  /** Per-second offered load may differ from the plan by this many arrivals (send jitter across a second's edge, rounding). */
  static final int TOLERANCE = 3;

  /**
   * Downs the killed worker's (unreachable) member now (the coordinator would after 15 s unreachable), so that the
   * fixture's coordinator leaves at once instead of waiting for it.
   */
  private static void downTheKilled(ClusterFixture c) {
    org.apache.pekko.cluster.typed.Cluster cluster = org.apache.pekko.cluster.typed.Cluster.get(c.coordinator.system());
    for (org.apache.pekko.cluster.Member m : cluster.state().getUnreachable()) cluster.manager().tell(new org.apache.pekko.cluster.typed.Down(m.address()));
  }

  @Test
  void theSurvivorsCarryTheRemainingStagesOfARateRampAtTheFullRate() throws Exception {
    // 0 → 30/s in 1 s, 30/s for 8 s, 30 → 45/s in 3 s: 15 + 240 + 112.5 arrivals. The loss is found
    // about 6 s after the kill (the failure detector's acceptable pause is 5 s), so the survivors are
    // judged on the end of the plateau and the whole last stage
    List<Load.Stage> stages = List.of(new Load.Stage(30, 1000), new Load.Stage(30, 8000), new Load.Stage(45, 3000));
    RampProfile plan = new RampProfile(stages);
    try (ClusterFixture c = new ClusterFixture(out, 3)) {
      long nano0 = System.nanoTime(), epoch0 = System.currentTimeMillis(); // the simulator's clock → epoch
      var run = c.submit(c.scenario("{arrivals: constant, stages: [{rate: 30, duration: 1s}, {rate: 30, duration: 8s}, {rate: 45, duration: 3s}]}",
          "{warmup: 0s}", "rebalance"), 3);
      await("the ramp under way").atMost(Duration.ofSeconds(60))
          .until(() -> c.coordinator.runs().status("it").map(s -> s.requestsDone() > 15).orElse(false));
      BarrageProcess victim = c.workers.get(1);
      victim.kill(); // SIGKILL: no flush, no goodbye
      long killedAt = System.currentTimeMillis();
      RunRecord r = run.finished().get(120, TimeUnit.SECONDS);
      downTheKilled(c);

      // the loss is recorded against the ramp cell, and its share went to the survivors
      CellRecord cell = r.cells().get(0);
      String cellId = cell.spec().id();
      assertThat(r.outcome()).isInstanceOf(RunOutcome.Degraded.class);
      WorkerEvent lost = r.workerEvents().stream().filter(e -> e.kind() == WorkerEvent.Kind.LOST).findFirst().orElseThrow();
      WorkerEvent rebalanced = r.workerEvents().stream().filter(e -> e.kind() == WorkerEvent.Kind.REBALANCED).findFirst().orElseThrow();
      assertThat(lost.cellId()).isEqualTo(cellId);
      assertThat(lost.capacityShare()).isEqualTo(1.0 / 3);
      assertThat(rebalanced.cellId()).isEqualTo(cellId);
      assertThat(rebalanced.detail()).contains("taken over by 2 worker(s)");
      assertThat(((RunOutcome.Degraded) r.outcome()).reason()).contains(lost.workerId());
      JsonNode summary = new ObjectMapper().readTree(c.out.resolve("run/summary.json").toFile());
      assertThat(summary.path("run").path("workers").path("lost").get(0).path("cell").asText()).isEqualTo(cellId);

      // counts against the truth log, worker by worker (a request id starts with the cell index and the worker)
      Map<String, Long> counted = new HashMap<>();
      Map<String, Long> origin = new HashMap<>(); // when each worker began its part (its first interval's start)
      for (CellAggregate.TimelinePoint p : cell.aggregate().timeline()) {
        counted.merge(p.workerId(), p.ok(), Long::sum);
        origin.merge(p.workerId(), p.startEpochMs(), Math::min);
      }
      assertThat(counted).hasSize(3).containsKey(lost.workerId());
      Map<String, List<TruthRecord>> truth = new TreeMap<>();
      for (TruthRecord t : c.sim.truth().all()) truth.computeIfAbsent(t.id().substring(0, t.id().lastIndexOf('-')), k -> new ArrayList<>()).add(t);
      assertThat(truth).hasSize(3);
      assertThat(cell.aggregate().errorCount()).as("no request the server never saw is an error").isZero();
      long served = 0;
      for (String w : counted.keySet()) {
        List<TruthRecord> mine = truth.get("0-" + w.replaceAll("[^A-Za-z0-9._-]", "_"));
        long ok = mine.stream().filter(t -> t.outcome().equals("ok")).count();
        served += ok;
        if (w.equals(lost.workerId())) {
          // the victim's requests after its last report never reached the coordinator: the loss rule bounds them
          assertThat(counted.get(w)).isLessThanOrEqualTo(ok);
          assertThat(ok - counted.get(w)).as("served by the victim beyond its count").isLessThanOrEqualTo(lost.requestsLost() + lost.completedAfterLastReportAtMost());
        } else {
          assertThat(counted.get(w)).as("survivor %s: counted ok = served by the simulator", w).isEqualTo(ok);
        }
      }
      assertThat(cell.aggregate().ok()).isLessThanOrEqualTo(served);

      // the offered load, from the truth log: per second of the ramp, each worker's arrivals counted
      // from its own start. Before the kill all three add up to the plan; from one second after the
      // rebalance to the end the two survivors do, through the rest of the plateau and the last stage.
      long endSec = (long) plan.durationSeconds();
      long killSec = (killedAt - origin.values().stream().max(Long::compare).orElseThrow()) / 1000;
      long judgedFrom = (rebalanced.atEpochMs() - origin.values().stream().min(Long::compare).orElseThrow() + 999) / 1000; // the first whole second after it
      assertThat(judgedFrom).as("rebalanced before the last stage ends (second %d)", judgedFrom).isLessThan(endSec);
      long[] seen = new long[(int) endSec + 2];
      for (Map.Entry<String, Long> w : origin.entrySet()) {
        for (TruthRecord t : truth.get("0-" + w.getKey().replaceAll("[^A-Za-z0-9._-]", "_"))) {
          long epochMs = epoch0 + (t.arrivalNanos() - nano0) / 1_000_000;
          long k = Math.floorDiv(epochMs - w.getValue(), 1000);
          if (k >= 0 && k < seen.length) seen[(int) k]++;
        }
      }
      StringBuilder table = new StringBuilder();
      for (int k = 0; k < endSec; k++) {
        table.append(String.format("%ds: planned %.1f, offered %d%n", k, plan.cumulative(k + 1) - plan.cumulative(k), seen[k]));
      }
      System.out.printf("ramp with a worker killed at second %d, rebalanced in %d ms, judged from second %d:%n%s", killSec,
          rebalanced.atEpochMs() - killedAt, judgedFrom, table);
      for (long k = 1; k < killSec; k++) {
        assertThat((double) seen[(int) k]).as("second %d, three workers:%n%s", k, table).isCloseTo(plan.cumulative(k + 1) - plan.cumulative(k),
            org.assertj.core.api.Assertions.offset((double) TOLERANCE));
      }
      double plannedAfter = 0;
      long offeredAfter = 0;
      for (long k = judgedFrom; k < endSec; k++) {
        double planned = plan.cumulative(k + 1) - plan.cumulative(k);
        plannedAfter += planned;
        offeredAfter += seen[(int) k];
        assertThat((double) seen[(int) k]).as("second %d, two survivors:%n%s", k, table).isCloseTo(planned, org.assertj.core.api.Assertions.offset((double) TOLERANCE));
      }
      assertThat((double) offeredAfter).as("seconds %d..%d together", judgedFrom, endSec - 1).isCloseTo(plannedAfter, org.assertj.core.api.Assertions.offset((double) TOLERANCE));

      // the per-second series: every second of the ramp once, none missing, none counted twice (a
      // doubled second would show about twice the planned rate, a missing one none)
      JsonNode perSecond = new ObjectMapper().readTree(c.out.resolve("run/timeline.json").toFile()).path("cells").get(0).path("perSecond");
      List<Integer> seconds = new ArrayList<>();
      for (JsonNode s : perSecond) seconds.add(s.path("second").asInt());
      assertThat(seconds.subList(0, (int) endSec)).as("seconds of the series").containsExactly(java.util.stream.IntStream.range(0, (int) endSec).boxed().toArray(Integer[]::new));
      assertThat(seconds.size()).as("at most one second of requests ending after the ramp").isLessThanOrEqualTo((int) endSec + 1);
      for (int k = 1; k < endSec; k++) {
        JsonNode s = perSecond.get(k);
        double level = s.path("level").asDouble();
        assertThat(s.path("okPerSecond").isNumber()).as("second %d is covered", k).isTrue();
        assertThat(s.path("okPerSecond").asDouble() / level).as("second %d: %s", k, s).isBetween(0.5, 1.5);
      }
    }
  }
}
