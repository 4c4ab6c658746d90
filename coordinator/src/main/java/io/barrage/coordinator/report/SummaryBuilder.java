package io.barrage.coordinator.report;

import io.barrage.coordinator.telemetry.ServerSummaries;
import io.barrage.coordinator.report.model.CellSummary;
import io.barrage.coordinator.report.model.CellSummary.Cost;
import io.barrage.coordinator.report.model.CellSummary.Generator;
import io.barrage.coordinator.report.model.CellSummary.LatencySummary;
import io.barrage.coordinator.report.model.CellSummary.Requests;
import io.barrage.coordinator.report.model.CellSummary.Slo;
import io.barrage.coordinator.report.model.CellSummary.Throughput;
import io.barrage.coordinator.report.model.CellSummary.Tokens;
import io.barrage.coordinator.report.model.Comparison;
import io.barrage.coordinator.report.model.Distributions;
import io.barrage.coordinator.report.model.Eligibility;
import io.barrage.coordinator.report.model.LoadInfo;
import io.barrage.coordinator.report.model.Numbers;
import io.barrage.coordinator.report.model.Recommendations;
import io.barrage.coordinator.report.model.RunInfo;
import io.barrage.coordinator.report.model.Summary;
import io.barrage.coordinator.report.model.TargetSummary;
import io.barrage.coordinator.report.model.TargetSummary.DeploymentInfo;
import io.barrage.coordinator.report.model.Timeline;
import io.barrage.protocol.metrics.ErrorClass;
import io.barrage.protocol.metrics.Metric;
import io.barrage.protocol.metrics.UnreachableSpan;
import io.barrage.protocol.plan.Load;
import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.results.CellRecord;
import io.barrage.protocol.results.RunOutcome;
import io.barrage.protocol.results.RunRecord;
import io.barrage.protocol.results.WorkerEvent;
import io.barrage.protocol.scenario.Deployment;
import io.barrage.protocol.scenario.GoodputThresholds;
import io.barrage.protocol.scenario.Scenario;
import io.barrage.protocol.scenario.SloSpec;
import io.barrage.protocol.scenario.Target;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Turns a {@link RunRecord} into the result model: summary, timeline and percentile curves. */
public final class SummaryBuilder {
  private SummaryBuilder() {}

  public static Summary summary(RunRecord run) {
    Scenario sc = run.scenario();
    List<TargetSummary> targets = new ArrayList<>();
    for (Target t : sc.targets()) {
      List<CellSummary> cells = new ArrayList<>();
      for (CellRecord c : run.cells()) {
        if (c.spec().target().equals(t.name())) cells.add(cell(c, t, sc.slo()));
      }
      Deployment d = t.deploymentOrUnknown();
      targets.add(
          new TargetSummary(
              t.name(),
              t.api() == null ? null : t.api().yamlName(),
              t.model(),
              new DeploymentInfo(d.instance(), d.gpus(), d.tensorParallel(), d.quantization(), d.usdPerHour(), d.gpuProduct()),
              cells));
    }
    Map<String, List<io.barrage.coordinator.report.model.Capacity>> capacities = io.barrage.coordinator.capacity.Capacities.of(run, targets);
    targets.replaceAll(t -> capacities.containsKey(t.name()) ? withCapacity(t, capacities.get(t.name())) : t);
    Recommendations.Settings settings = Recommender.settings(sc.recommendations());
    double maxErrorRate = SloSpec.verdictErrorRateLimit(sc.slo());
    List<TargetSummary> eligible = Verdicts.eligibleOnly(targets, maxErrorRate);
    Eligibility eligibility = Verdicts.eligibility(targets, maxErrorRate);
    List<Comparison> comparisons = Comparisons.fromScenario(sc.comparison(), eligible);
    return new Summary(
        Summary.SCHEMA_VERSION,
        runInfo(run),
        targets,
        comparisons.isEmpty() ? null : comparisons.get(0),
        comparisons.size() > 1 ? comparisons.subList(1, comparisons.size()) : List.of(),
        Recommender.recommend(eligible, settings, eligibility.excluded().size()),
        eligibility,
        capacities.isEmpty() ? null : io.barrage.coordinator.capacity.Capacities.compare(sc, capacities));
  }

  private static TargetSummary withCapacity(TargetSummary t, List<io.barrage.coordinator.report.model.Capacity> all) {
    return io.barrage.coordinator.capacity.ProbeMarks.mark(
        new TargetSummary(t.name(), t.api(), t.model(), t.deployment(), t.cells(), all.get(0), all.size() > 1 ? all : null), all);
  }

  static RunInfo runInfo(RunRecord run) {
    List<RunInfo.WorkerLoss> lost = new ArrayList<>();
    List<RunInfo.WorkerEventInfo> events = new ArrayList<>();
    for (WorkerEvent e : run.workerEvents()) {
      String at = iso(e.atEpochMs());
      events.add(new RunInfo.WorkerEventInfo(e.workerId(), e.kind().name().toLowerCase(), at, e.atEpochMs(), e.cellId(), e.capacityShare(), e.requestsLost(), e.detail(),
          e.completedAfterLastReportAtMost(), e.secondsAfterLastReport()));
      if (e.kind() == WorkerEvent.Kind.LOST) {
        lost.add(new RunInfo.WorkerLoss(e.workerId(), at, e.atEpochMs(), e.cellId(), e.capacityShare(), e.requestsLost(), e.detail(),
            e.completedAfterLastReportAtMost(), e.secondsAfterLastReport()));
      }
    }
    String reason = run.outcome().reason();
    return new RunInfo(
        run.runId(),
        run.scenario().name(),
        iso(run.startedAtEpochMs()),
        iso(run.endedAtEpochMs()),
        Numbers.round((run.endedAtEpochMs() - run.startedAtEpochMs()) / 1000.0, 3),
        run.outcome().key(),
        reason,
        new RunInfo.Workers(run.workersPlanned(), lost, events));
  }

  public static CellSummary cell(CellRecord c, Target t, SloSpec slo) {
    CellAggregate a = c.aggregate();
    Map<String, Long> errors = new LinkedHashMap<>();
    for (Map.Entry<ErrorClass, Long> e : a.errors().entrySet()) {
      if (e.getValue() > 0) errors.put(e.getKey().key(), e.getValue());
    }
    Map<String, Long> statuses = new LinkedHashMap<>();
    a.httpStatuses().forEach((k, v) -> statuses.put(Integer.toString(k), v));
    long errorTotal = a.errorCount();
    Double errorRate = a.ok() + errorTotal == 0 ? null : (double) errorTotal / (a.ok() + errorTotal);
    Map<String, List<String>> messages = new LinkedHashMap<>();
    a.errorMessages().forEach((k, v) -> messages.put(k.key(), v));
    Requests requests = new Requests(a.ok(), errorTotal, errors, statuses, c.incomplete(), Numbers.round(errorRate, 6), a.warmupRequests(), messages);

    double window = c.windowSeconds();
    Double tps = window > 0 ? a.outputTokens() / window : null;
    Double rps = window > 0 ? a.ok() / window : null;
    Throughput throughput = new Throughput(Numbers.round(tps, 4), Numbers.round(rps, 4));

    Map<String, LatencySummary> latency = new LinkedHashMap<>();
    long clamped = a.clamped();
    for (Metric m : Metric.values()) {
      if (m.latency()) latency.put(m.key(), LatencyStats.of(a.histogram(m)));
    }

    Double usdPerHour = t.deploymentOrUnknown().usdPerHour();
    Cost raw = CostCalculator.of(usdPerHour, tps);
    Cost cost = new Cost(usdPerHour, Numbers.round(raw.minutesPer1MTokens(), 4), Numbers.round(raw.usdPer1MTokens(), 4));

    Histogram lag = a.histogram(Metric.SEND_LAG);
    Double lagP99 = lag.getTotalCount() == 0 ? null : Numbers.round(lag.getValueAtPercentile(99) / 1000.0, 3);
    boolean saturated = lagP99 != null && lagP99 > c.sendLagBudgetMs();
    Generator generator = new Generator(lagP99, c.sendLagBudgetMs(), saturated, c.workersUsed(), clamped, a.retries());
    List<CellSummary.Unreachable> unreachable = new ArrayList<>();
    for (UnreachableSpan u : a.unreachable()) {
      unreachable.add(new CellSummary.Unreachable(iso(u.startEpochMs()), iso(u.endEpochMs()),
          Numbers.round((u.endEpochMs() - u.startEpochMs()) / 1000.0, 3), u.failedAttempts()));
    }

    return new CellSummary(
        c.spec().id(),
        c.spec().target(),
        load(c.spec().load()),
        c.spec().maxNewTokens(),
        c.spec().repeat(),
        iso(c.startedAtEpochMs()),
        iso(c.endedAtEpochMs()),
        requests,
        a.outputTokens(),
        new Tokens(a.outputTokens(), a.clientCountedRequests() == 0 ? null : a.clientTokens(), a.clientCountedRequests(), a.tokenMismatches()),
        Numbers.round(window, 6),
        throughput,
        LatencyStats.rate(a.histogram(Metric.PER_REQUEST_THROUGHPUT)),
        latency,
        cost,
        generator,
        slo(slo, latency, errorRate),
        unreachable,
        c.cut() ? CellSummary.INTERRUPTED : CellSummary.COMPLETED,
        GoodputStats.of(GoodputThresholds.of(slo), a, window),
        ServerSummaries.of(c.server(), a.outputTokens(), a.clientCountedRequests() == 0 ? null : a.clientTokens(),
            errorTotal + a.warmupRequests() + c.incomplete(), cost.usdPer1MTokens()),
        TrafficSummaries.of(a.traffic(), c.spec().load(), a.traffic().any() && !(c.spec().load() instanceof Load.Trace), c.startedAtEpochMs()));
  }

  static Slo slo(SloSpec s, Map<String, LatencySummary> latency, Double errorRate) {
    if (s == null) return null;
    Boolean ttft = within(s.ttftP99(), latency.get(Metric.TTFT.key()).p99());
    Boolean tpot = within(s.tpotP99(), latency.get(Metric.TPOT.key()).p99());
    Boolean e2e = within(s.e2eP99(), latency.get(Metric.E2E.key()).p99());
    Boolean err = s.maxErrorRate() == null ? null : errorRate == null || errorRate <= s.maxErrorRate();
    boolean met = !Boolean.FALSE.equals(ttft) && !Boolean.FALSE.equals(tpot) && !Boolean.FALSE.equals(e2e) && !Boolean.FALSE.equals(err);
    return new Slo(ttft, tpot, e2e, err, met);
  }

  private static Boolean within(Duration limit, Double p99Ms) {
    if (limit == null) return null;
    if (p99Ms == null) return true;
    return p99Ms <= limit.toNanos() / 1e6;
  }

  static LoadInfo load(Load l) {
    if (l instanceof Load.Concurrency c) return LoadInfo.concurrency(c.streams());
    if (l instanceof Load.Trace t) return LoadInfo.trace(t.speedup());
    if (l instanceof Load.Ramp ramp) return RampSeries.loadInfo(ramp);
    Load.Rate r = (Load.Rate) l;
    return LoadInfo.rate(r.perSecond(), r.arrivals() == null ? null : r.arrivals().yamlName());
  }

  public static Timeline timeline(RunRecord run) {
    boolean goodput = GoodputThresholds.of(run.scenario().slo()) != null;
    List<Timeline.CellTimeline> cells = new ArrayList<>();
    for (CellRecord c : run.cells()) {
      List<Timeline.Point> points = new ArrayList<>();
      for (CellAggregate.TimelinePoint p : c.aggregate().timeline()) {
        points.add(new Timeline.Point(p.workerId(), p.startEpochMs(), p.endEpochMs(), p.outputTokens(), p.ok(), p.errors(), p.inFlight(), p.arrivedTokens(),
            goodput ? p.goodRequests() : null, goodput ? p.goodOutputTokens() : null,
            p.ttftCount(), p.ttftCount() == 0 ? null : Numbers.round(p.ttftMeanMs(), 3), p.ttftCount() == 0 ? null : Numbers.round(p.ttftMaxMs(), 3)));
      }
      points.sort((x, y) -> Long.compare(x.startEpochMs(), y.startEpochMs()));
      cells.add(new Timeline.CellTimeline(c.spec().id(), c.spec().target(), c.startedAtEpochMs(), c.endedAtEpochMs(), points,
          RampSeries.of(c, goodput), ServerSummaries.points(c.server())));
    }
    return new Timeline(Summary.SCHEMA_VERSION, run.startedAtEpochMs(), cells);
  }

  /** Percentile curves of the metrics the report draws. */
  public static Distributions distributions(RunRecord run) {
    List<Distributions.Curve> curves = new ArrayList<>();
    List<Double> pcts = new ArrayList<>();
    for (double p : Distributions.PERCENTILES) pcts.add(p);
    for (CellRecord c : run.cells()) {
      for (Metric m : List.of(Metric.TTFT, Metric.E2E, Metric.TPOT, Metric.NTPOT, Metric.ITL)) {
        Histogram h = c.aggregate().histogram(m);
        if (h.getTotalCount() == 0) continue;
        List<Double> ms = new ArrayList<>();
        for (double p : Distributions.PERCENTILES) {
          long v = p == 0 ? h.lowestEquivalentValue(h.getMinValue()) : p == 100 ? h.highestEquivalentValue(h.getMaxValue()) : h.getValueAtPercentile(p);
          ms.add(Numbers.round(v / 1000.0, 3));
        }
        curves.add(new Distributions.Curve(c.spec().id(), c.spec().target(), m.key(), h.getTotalCount(), pcts, ms));
      }
    }
    return new Distributions(Summary.SCHEMA_VERSION, curves);
  }

  static String iso(long epochMs) {
    return epochMs <= 0 ? null : Instant.ofEpochMilli(epochMs).toString();
  }
}
