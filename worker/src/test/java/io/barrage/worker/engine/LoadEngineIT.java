package io.barrage.worker.engine;

import static io.barrage.worker.engine.EngineFixture.*;
import static io.barrage.worker.engine.ScriptedServer.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.barrage.protocol.metrics.IntervalReport;
import io.barrage.protocol.metrics.Metric;
import io.barrage.protocol.plan.Load;
import io.barrage.protocol.plan.LoadShare;
import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.scenario.ApiKind;
import io.barrage.protocol.scenario.Arrivals;
import io.barrage.protocol.scenario.PromptSpec;
import io.barrage.protocol.scenario.StepSpec;
import io.barrage.protocol.scenario.Target;
import io.barrage.protocol.scenario.Timeouts;
import io.barrage.protocol.scenario.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

/** Load schedules: closed and open loop, quotas, warmup, stop, resize, connections. */
class LoadEngineIT extends ScriptedEngineFixture {

  @Test
  void aThousandConcurrentStreamsAreAThousandConnectionsAtTheServer() throws Exception {
    int n = 1000;
    AtomicInteger arrived = new AtomicInteger();
    CompletableFuture<ByteString> gate = new CompletableFuture<>();
    server.routes.put("/gate/generate_stream", r -> {
      if (arrived.incrementAndGet() == n) gate.complete(ByteString.emptyByteString());
      // no stream may finish before all n are open at once: only n concurrent connections open the gate
      return sse(Source.completionStage(gate).concat(src(tgiStream(3), Duration.ZERO)));
    });
    int before = server.maxOpen.get();
    // generous first-token timeout: the gate opens only once the scripted (Pekko) server has accepted
    // all 1000 connections, which takes it seconds on a loaded 2-core machine
    Timeouts generous = new Timeouts(Duration.ofSeconds(90), Duration.ofSeconds(90), Duration.ofSeconds(120));
    CellAggregate a = LocalStep.run(engine, closed(target("gate", ApiKind.TGI_STREAM, server.baseUrl() + "/gate"),
        requests(n, generous), n), Duration.ofMillis(200), Duration.ofSeconds(150), x -> {});
    assertThat(a.ok()).isEqualTo(n);
    assertThat(server.maxOpen.get()).isGreaterThanOrEqualTo(Math.max(before, n));
    assertThat(a.timeline().stream().mapToInt(CellAggregate.TimelinePoint::inFlight).max().orElse(0)).isLessThanOrEqualTo(n);
  }

  @Test
  void openLoopSlicesAddUpToTheWholeScheduleAndMeasureFromTheIntendedTime() throws Exception {
    server.routes.put("/ol/generate_stream", r -> sse(tgiStream(3), Duration.ofMillis(30)));
    Target t = target("ol", ApiKind.TGI_STREAM, server.baseUrl() + "/ol");
    Workload w = workload(new PromptSpec(null, null, new PromptSpec.Synthetic(new PromptSpec.TokenDistribution(20, 5, null, null))),
        new StepSpec(30, null, null), QUICK);
    Load.Rate rate = new Load.Rate(40, Arrivals.POISSON);
    var s0 = engine.start(open(t, w, rate, 0, 2, 15, null));
    var s1 = engine.start(open(t, w, rate, 1, 2, 15, null));
    CellAggregate a = new CellAggregate(s0 == null ? null : "ol/m8/" + rate.id());
    s0.done().toCompletableFuture().get(30, TimeUnit.SECONDS);
    s1.done().toCompletableFuture().get(30, TimeUnit.SECONDS);
    a.add(s0.drainInterval());
    a.add(s1.drainInterval());
    assertThat(a.ok()).isEqualTo(30);
    assertThat(a.histogram(Metric.TTFT_SCHED).getTotalCount()).isEqualTo(30);
    assertThat(a.histogram(Metric.TTFT_SCHED).getMean()).isGreaterThanOrEqualTo(a.histogram(Metric.TTFT).getMean());
    assertThat(a.histogram(Metric.SEND_LAG).getTotalCount()).isEqualTo(30);
  }

  @Test
  void headToHeadTargetsGetTheSamePromptsAndSeeds() throws Exception {
    server.routes.put("/a/generate_stream", r -> sse(tgiStream(2), Duration.ZERO));
    server.routes.put("/b/generate_stream", r -> sse(tgiStream(2), Duration.ZERO));
    Workload w = workload(new PromptSpec(null, null, new PromptSpec.Synthetic(new PromptSpec.TokenDistribution(30, 10, null, null))),
        new StepSpec(12, null, null), QUICK);
    Load.Rate rate = new Load.Rate(200, Arrivals.POISSON);
    server.bodies.clear();
    run(engine, open(target("a", ApiKind.TGI_STREAM, server.baseUrl() + "/a"), w, rate, 0, 1, 12, null));
    List<String> a = new ArrayList<>(server.bodies);
    server.bodies.clear();
    run(engine, open(target("b", ApiKind.TGI_STREAM, server.baseUrl() + "/b"), w, rate, 0, 1, 12, null));
    List<String> b = new ArrayList<>(server.bodies);
    a.sort(null);
    b.sort(null);
    assertThat(a).hasSize(12).isEqualTo(b);
    assertThat(a.stream().distinct().count()).isGreaterThan(6);
  }

  @Test
  void durationStepExcludesWarmupByRequestStartTime() throws Exception {
    server.routes.put("/d/generate_stream", r -> sse(tgiStream(2), Duration.ofMillis(50)));
    Workload w = workload(new PromptSpec("x", null, null), new StepSpec(null, Duration.ofMillis(1500), Duration.ofMillis(600)), QUICK);
    List<IntervalReport> reports = new ArrayList<>();
    StepRequest r = closed(target("d", ApiKind.TGI_STREAM, server.baseUrl() + "/d"), w, 2);
    CellAggregate a = LocalStep.run(engine, r, Duration.ofMillis(200), Duration.ofSeconds(30), reports::add);
    assertThat(a.warmupRequests()).isPositive();
    assertThat(a.ok()).isPositive();
    assertThat(a.ok() + a.warmupRequests()).isEqualTo(a.started());
    assertThat(reports.get(reports.size() - 1).last()).isTrue();
    assertThat(reports.subList(0, reports.size() - 1)).noneMatch(IntervalReport::last);
    for (int i = 0; i < reports.size(); i++) assertThat(reports.get(i).sequence()).isEqualTo(i);
  }

  @Test
  void stopEndsTheStepGracefullyAndTheNextReportIsTheLast() throws Exception {
    server.routes.put("/s/generate_stream", r -> sse(tgiStream(3), Duration.ofMillis(20)));
    Workload w = workload(new PromptSpec("x", null, null), new StepSpec(null, Duration.ofMinutes(5), null), QUICK);
    RunningStep s = engine.start(closed(target("s", ApiKind.TGI_STREAM, server.baseUrl() + "/s"), w, 4));
    await("4 requests in flight").atMost(Duration.ofSeconds(10)).until(() -> s.inFlight() == 4);
    s.stop();
    s.done().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(s.inFlight()).isZero();
    IntervalReport last = s.drainInterval();
    assertThat(last.last()).isTrue();
    assertThat(last.counters().errors()).isEmpty();
    assertThat(last.counters().ok()).isPositive();
  }

  @Test
  void resizeAddsAndRetiresVirtualUsers() throws Exception {
    server.routes.put("/r/generate_stream", r -> sse(tgiStream(3), Duration.ofMillis(20)));
    Workload w = workload(new PromptSpec("x", null, null), new StepSpec(null, Duration.ofMinutes(5), null), QUICK);
    RunningStep s = engine.start(closed(target("r", ApiKind.TGI_STREAM, server.baseUrl() + "/r"), w, 2));
    await("2 requests in flight").atMost(Duration.ofSeconds(10)).until(() -> s.inFlight() == 2);
    s.resize(new LoadShare(6, 0, 0, 1, -1));
    await("6 requests in flight after the resize").atMost(Duration.ofSeconds(10)).until(() -> s.inFlight() == 6);
    s.resize(new LoadShare(1, 0, 0, 1, -1));
    await("at most 1 request in flight after the resize").atMost(Duration.ofSeconds(10)).until(() -> s.inFlight() <= 1);
    s.stop();
    s.done().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aMissingDatasetFailsTheStepWithAClearMessage() {
    Workload w = workload(new PromptSpec(null, "/nonexistent/prompts.jsonl", null), new StepSpec(1, null, null), QUICK);
    RunningStep s = engine.start(closed(target("x", ApiKind.TGI_STREAM, server.baseUrl()), w, 1));
    assertThat(s.done().toCompletableFuture()).failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withMessageContaining("/nonexistent/prompts.jsonl");
    assertThat(s.drainInterval().last()).isTrue();
  }
}
