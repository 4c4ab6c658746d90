package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.barrage.coordinator.node.CoordinatorNode;
import io.barrage.coordinator.report.ResultWriter;
import io.barrage.coordinator.run.RunOrder;
import io.barrage.coordinator.run.Runs;
import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.results.CellRecord;
import io.barrage.protocol.results.RunRecord;
import io.barrage.protocol.results.WorkerEvent;
import io.barrage.protocol.scenario.ScenarioLoader;
import io.barrage.protocol.scenario.TestScenario;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import io.barrage.simulator.TruthRecord;
import io.barrage.worker.cluster.EngineStepLauncher;
import io.barrage.worker.cluster.StepLauncher;
import io.barrage.worker.cluster.WorkerAgent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real worker agents (the load engine, on the coordinator's node) run a rate ramp; one is an
 * overloaded machine that acts on its start order only 1.2 s after the cell's start instant. Its
 * whole part of the ramp reaches the target 1.2 s late: the run names it with its lateness, the
 * per-second series is aligned on each worker's own start (not stretched by the lateness), and every
 * request the simulator answered is counted once.
 */
class LateRampWorkerIT {
  private static final long LATE_MS = 1200;

  @TempDir Path dir;

  @Test
  void aWorkerThatBeganTheRampLateIsNamedAndTheSeriesIsAlignedOnItsStart() throws Exception {
    try (SimulatorServer sim = SimulatorServer.start(SimulatorConfig.loopback("tgi-fast"))) {
      CoordinatorNode node = CoordinatorNode.start(new CoordinatorNode.Settings("127.0.0.1", "127.0.0.1", 0, -1, "127.0.0.1", true, "t", dir, dir),
          ResultWriter::write);
      EngineStepLauncher engine = new EngineStepLauncher(Adapter.toClassic(node.system()));
      try {
        // the overloaded machine: its agent gets no further than the launcher until 1.2 s after the start instant
        StepLauncher late = req -> {
          long until = req.startAtEpochMs() + LATE_MS;
          while (System.currentTimeMillis() < until) LockSupport.parkNanos(5_000_000L);
          return engine.start(req);
        };
        node.system().systemActorOf(WorkerAgent.create(engine, WorkerAgent.Settings.defaults()), "worker-a", Props.empty());
        node.system().systemActorOf(WorkerAgent.create(late, WorkerAgent.Settings.defaults()), "worker-b", Props.empty());
        // 0 → 20/s in 1 s, 20/s for 4 s: 10 + 80 arrivals, 45 per worker
        String yaml = TestScenario.named("late-ramp").target("sim", sim.baseUrl()).maxNewTokens("[8]")
            .load("{arrivals: constant, stages: [{rate: 20, duration: 1s}, {rate: 20, duration: 4s}]}").step("{warmup: 0s}").yaml();
        var run = (Runs.Submitted.Accepted) node.runs().submit(new RunOrder("late", ScenarioLoader.parse(yaml, null), yaml, null, dir.resolve("run"), 2));
        RunRecord r = run.finished().get(90, TimeUnit.SECONDS);

        CellRecord cell = r.cells().get(0);
        WorkerEvent lateEvent = r.workerEvents().stream().filter(e -> e.kind() == WorkerEvent.Kind.LATE).findFirst().orElseThrow();
        assertThat(r.workerEvents().stream().filter(e -> e.kind() == WorkerEvent.Kind.LATE)).hasSize(1);
        assertThat(lateEvent.workerId()).endsWith("worker-b");
        assertThat(lateEvent.cellId()).isEqualTo(cell.spec().id());
        Matcher m = Pattern.compile("(\\d+) ms after the cell's common start").matcher(lateEvent.detail());
        assertThat(m.find()).as(lateEvent.detail()).isTrue();
        long lateness = Long.parseLong(m.group(1));
        assertThat(lateness).as("its lateness, ms").isBetween(LATE_MS, LATE_MS + 1000);
        // a late start is not a loss: the run completed
        assertThat(r.outcome().key()).isEqualTo("completed");
        JsonNode events = new ObjectMapper().readTree(dir.resolve("run/summary.json").toFile()).path("run").path("workers").path("events");
        List<String> kinds = new ArrayList<>();
        for (JsonNode e : events) if (e.path("kind").asText().equals("late")) kinds.add(e.path("workerId").asText() + " " + e.path("detail").asText());
        assertThat(kinds).singleElement().asString().contains("worker-b", lateness + " ms");
        String html = java.nio.file.Files.readString(dir.resolve("run/report.html"));
        assertThat(html).contains("id=\"alert-late-start\"", "worker-b", lateness + " ms after the cell");

        // the target really got worker-b's part late: its first request arrived at least 1.2 s after the
        // cell's start (its first arrival is due 0.32 s into the ramp, worker-a's at 0.22 s)
        Map<String, Long> counted = new HashMap<>();
        for (CellAggregate.TimelinePoint p : cell.aggregate().timeline()) counted.merge(p.workerId(), p.ok(), Long::sum);
        long nano0 = System.nanoTime(), epoch0 = System.currentTimeMillis();
        Map<String, List<TruthRecord>> truth = new HashMap<>();
        for (TruthRecord t : sim.truth().all()) truth.computeIfAbsent(t.id().substring(0, t.id().lastIndexOf('-')), k -> new ArrayList<>()).add(t);
        long served = 0;
        for (String w : counted.keySet()) {
          List<TruthRecord> mine = truth.get("0-" + w.replaceAll("[^A-Za-z0-9._-]", "_"));
          assertThat(mine).as("worker %s sent its half", w).hasSize(45);
          long ok = mine.stream().filter(t -> t.outcome().equals("ok")).count();
          served += ok;
          assertThat(counted.get(w)).as("worker %s: counted ok = answered by the simulator", w).isEqualTo(ok);
          long firstArrivalEpochMs = epoch0 + (mine.stream().mapToLong(TruthRecord::arrivalNanos).min().orElseThrow() - nano0) / 1_000_000;
          if (w.equals(lateEvent.workerId())) assertThat(firstArrivalEpochMs - cell.startedAtEpochMs()).isGreaterThanOrEqualTo(LATE_MS);
        }
        assertThat(served).isEqualTo(90);
        assertThat(cell.aggregate().ok()).isEqualTo(90);
        assertThat(cell.aggregate().errorCount()).isZero();

        // the per-second series covers the 5 s of the ramp (and at most the second its last requests
        // ended in), not 5 s + the lateness: worker-b's seconds are placed by its own start
        JsonNode perSecond = new ObjectMapper().readTree(dir.resolve("run/timeline.json").toFile()).path("cells").get(0).path("perSecond");
        List<Integer> seconds = new ArrayList<>();
        for (JsonNode s : perSecond) seconds.add(s.path("second").asInt());
        assertThat(seconds.subList(0, 5)).containsExactly(0, 1, 2, 3, 4);
        assertThat(seconds.size()).as("seconds %s", seconds).isLessThanOrEqualTo(6);
      } finally {
        node.close();
        engine.close();
      }
    }
  }
}
