package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.coordinator.report.ResultSet;
import io.barrage.coordinator.report.model.CellSummary;
import io.barrage.coordinator.run.RunOrder;
import io.barrage.coordinator.run.Runs;
import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.results.CellRecord;
import io.barrage.protocol.results.RunOutcome;
import io.barrage.protocol.results.RunRecord;
import io.barrage.protocol.scenario.ScenarioLoader;
import io.barrage.protocol.scenario.TraceFile;
import io.barrage.protocol.scenario.TraceSpec;
import io.barrage.simulator.TruthRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trace replayed by three worker JVMs: the simulator's truth log must show every arrival of the
 * trace once, at the trace's instant (relative to the first), with the trace's output length, and
 * the three workers' slices must add up to the trace.
 */
class TraceReplayIT {
  static final Path TRACES = Path.of("..", "examples", "traces").toAbsolutePath().normalize();
  /**
   * Bound of one arrival's jitter: a worker JVM's first requests load and compile the client's
   * classes, and the machine's cores are shared (measured up to 108 ms here for one arrival).
   */
  static final long MAX_ERROR_NANOS = 1_000_000_000L;
  /** Bound of the 90th percentile of the jitter. */
  static final long MAX_P90_ERROR_NANOS = 20_000_000L;
  /**
   * Bound of the spread of the workers' start skews: the clock offsets the coordinator measures
   * (half a round trip of error each, over mutual TLS on a loaded machine); measured 36 ms here with
   * the machine's 2 cores shared by eight builds.
   */
  static final long MAX_SKEW_SPREAD_NANOS = 100_000_000L;
  /** Bound of the median jitter: the "within a few ms" of a replay at a modest rate. */
  static final long MAX_MEDIAN_ERROR_NANOS = 5_000_000L;

  @TempDir Path out;

  @Test
  void threeWorkersReplayTheTraceOnceAtItsInstants() throws Exception {
    List<TraceFile.Arrival> trace = TraceFile.read(TRACES.resolve("azure-sample.csv"), TraceSpec.Format.AZURE, "azure-sample.csv").arrivals();
    try (ClusterFixture c = new ClusterFixture(out, 3)) {
      String yaml = """
          name: trace-it
          targets:
            - {name: sim, api: tgi-stream, url: %s}
          workload:
            maxNewTokens: [64]
            load: {trace: {file: azure-sample.csv}}
            step: {requests: %d}
            timeouts: {firstToken: 10s, idle: 5s, total: 20s}
          """.formatted(c.sim.baseUrl(), trace.size());
      var order = new RunOrder("it", ScenarioLoader.parse(yaml, TRACES), yaml, TRACES, out.resolve("run"), 3);
      var run = (Runs.Submitted.Accepted) c.coordinator.runs().submit(order);
      RunRecord r = run.finished().get(180, TimeUnit.SECONDS);

      assertThat(r.outcome()).isInstanceOf(RunOutcome.Completed.class);
      CellRecord cell = r.cells().get(0);
      CellAggregate a = cell.aggregate();
      assertThat(cell.workersUsed()).isEqualTo(3);
      assertThat(a.ok()).isEqualTo(trace.size());
      assertThat(a.errorCount()).isZero();
      // each worker sent its slice: arrivals 0, 3, 6, ... / 1, 4, ... / 2, 5, ...
      Map<String, Long> okByWorker = new HashMap<>();
      for (CellAggregate.TimelinePoint p : a.timeline()) okByWorker.merge(p.workerId(), p.ok(), Long::sum);
      assertThat(okByWorker.values()).containsExactlyInAnyOrder(14L, 13L, 13L);
      assertThat(a.traffic().offered()).isEqualTo(trace.size());

      List<TruthRecord> seen = new ArrayList<>(c.sim.truth().all());
      assertThat(seen).hasSize(trace.size());
      assertThat(new HashSet<>(seen.stream().map(TruthRecord::id).toList())).as("no request sent twice").hasSize(trace.size());
      seen.sort(Comparator.comparingLong(TruthRecord::arrivalNanos));
      assertThat(seen).allSatisfy(t -> assertThat(t.outcome()).isEqualTo("ok"));
      // Each request asked for its trace row's output length (4..24, repeating every 21 rows, so rows
      // with equal lengths are seconds apart): trace row i is the request with its length that
      // reached the server nearest to row i's instant, counted from the server arrival of row 0.
      long zero = seen.stream().filter(t -> t.tokens() == trace.get(0).outputTokens()).findFirst().orElseThrow().arrivalNanos();
      long[] errors = new long[trace.size()];
      String[] worker = new String[trace.size()];
      List<TruthRecord> unmatched = new ArrayList<>(seen);
      for (int i = 0; i < trace.size(); i++) {
        TraceFile.Arrival row = trace.get(i);
        TruthRecord t = unmatched.stream().filter(x -> x.tokens() == row.outputTokens())
            .min(Comparator.comparingLong(x -> Math.abs(x.arrivalNanos() - zero - row.offsetNanos())))
            .orElseThrow(() -> new AssertionError("no request of " + row.outputTokens() + " tokens left for trace line " + row.line()));
        unmatched.remove(t);
        errors[i] = t.arrivalNanos() - zero - row.offsetNanos();
        worker[i] = t.id().substring(0, t.id().lastIndexOf('-')); // "<cell>-<worker>-<n>"
      }
      assertThat(unmatched).as("every request the server saw is one of the trace's").isEmpty();
      // Each worker starts the schedule at the cell's start instant on its own clock, corrected by
      // the offset the coordinator measured; on one host that correction is off by a few ms (half a
      // loaded round trip), a constant per worker. Beyond it, each arrival's error is its jitter.
      Map<String, List<Long>> byWorker = new HashMap<>();
      for (int i = 0; i < errors.length; i++) byWorker.computeIfAbsent(worker[i], k -> new ArrayList<>()).add(errors[i]);
      Map<String, Long> skew = new HashMap<>();
      byWorker.forEach((w, e) -> skew.put(w, median(e)));
      long[] jitter = new long[errors.length];
      for (int i = 0; i < errors.length; i++) jitter[i] = Math.abs(errors[i] - skew.get(worker[i]));
      Arrays.sort(jitter);
      // row 0 is often late itself (its worker's first request opens a connection): skews are
      // compared with each other, not with row 0
      long spread = skew.values().stream().mapToLong(Long::longValue).max().orElseThrow() - skew.values().stream().mapToLong(Long::longValue).min().orElseThrow();
      String figures = "jitter median " + jitter[jitter.length / 2] / 1e6 + " ms, p90 " + jitter[jitter.length * 9 / 10] / 1e6 + " ms, max " + jitter[jitter.length - 1] / 1e6
          + " ms; worker start skews (ms) " + skew.values().stream().map(v -> v / 1e6).toList();
      System.out.println("TraceReplayIT " + figures);
      assertThat(jitter[jitter.length / 2]).as(figures).isLessThanOrEqualTo(MAX_MEDIAN_ERROR_NANOS);
      assertThat(jitter[jitter.length * 9 / 10]).as(figures).isLessThanOrEqualTo(MAX_P90_ERROR_NANOS);
      assertThat(jitter[jitter.length - 1]).as(figures).isLessThanOrEqualTo(MAX_ERROR_NANOS);
      assertThat(spread).as("spread of the worker start skews: " + figures).isLessThanOrEqualTo(MAX_SKEW_SPREAD_NANOS);

      CellSummary s = ResultSet.read(out.resolve("run")).summary().targets().get(0).cells().get(0);
      assertThat(s.traffic().trace().offered()).isEqualTo(trace.size());
      assertThat(s.traffic().trace().sent()).isEqualTo(trace.size());
      assertThat(s.traffic().trace().perSecond().stream().mapToLong(p -> p.offered()).sum()).isEqualTo(trace.size());
    }
  }

  private static long median(List<Long> v) {
    List<Long> s = new ArrayList<>(v);
    s.sort(null);
    return s.get(s.size() / 2);
  }
}
