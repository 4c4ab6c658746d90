package io.barrage.coordinator.report;

import io.barrage.coordinator.report.model.CellSummary;
import io.barrage.coordinator.report.model.Comparison;
import io.barrage.coordinator.report.model.Distributions;
import io.barrage.coordinator.report.model.Eligibility;
import io.barrage.coordinator.report.model.RunInfo;
import io.barrage.coordinator.report.model.Summary;
import io.barrage.coordinator.report.model.TargetSummary;
import io.barrage.coordinator.report.model.Timeline;
import io.barrage.protocol.scenario.SloSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code barrage compare DIR_A DIR_B}: run A is the baseline, run B the candidate. Targets with the
 * same name in both runs are compared with each other (the same stack measured twice, e.g. before
 * and after a change); otherwise every target of B is compared with every target of A. The result
 * is a merged summary whose targets are prefixed {@code A:} and {@code B:}, so the usual charts,
 * tables and recommendations apply to both runs side by side.
 */
public final class RunComparison {
  public static final String JSON = "comparison.json";
  public static final String HTML = "comparison.html";

  private RunComparison() {}

  public static Summary compare(ResultSet a, ResultSet b) {
    List<TargetSummary> ta = prefixed("A:", a.summary().targets()), tb = prefixed("B:", b.summary().targets());
    // each run's cells are judged by that run's own error-rate limit
    double limitA = maxErrorRate(a.summary()), limitB = maxErrorRate(b.summary());
    List<TargetSummary> ea = Verdicts.eligibleOnly(ta, limitA), eb = Verdicts.eligibleOnly(tb, limitB);
    Set<String> namesA = a.summary().targets().stream().map(TargetSummary::name).collect(Collectors.toSet());
    Set<String> common = b.summary().targets().stream().map(TargetSummary::name).filter(namesA::contains).collect(Collectors.toSet());
    List<Comparison> cs = new ArrayList<>();
    for (TargetSummary y : eb) {
      for (TargetSummary x : ea) {
        String nx = x.name().substring(2), ny = y.name().substring(2);
        if (!common.isEmpty() && !nx.equals(ny)) continue;
        Comparison c = Comparisons.compare(x, y, x.name(), y.name());
        if (!c.cells().isEmpty()) cs.add(c);
      }
    }
    List<TargetSummary> all = new ArrayList<>(ta);
    all.addAll(tb);
    RunInfo ra = a.summary().run(), rb = b.summary().run();
    List<RunInfo.WorkerLoss> lost = new ArrayList<>(ra.workers().lost());
    lost.addAll(rb.workers().lost());
    String outcome = "completed".equals(ra.outcome()) && "completed".equals(rb.outcome()) ? "completed" : "degraded";
    RunInfo run = new RunInfo(
        ra.id() + " vs " + rb.id(), "A: " + ra.scenario() + " vs B: " + rb.scenario(), ra.startedAt(), rb.endedAt(), 0, outcome,
        "completed".equals(outcome) ? null : "A was " + ra.outcome() + ", B was " + rb.outcome(),
        new RunInfo.Workers(ra.workers().planned() + rb.workers().planned(), lost, List.of()));
    var settings = a.summary().recommendations() == null ? Recommender.settings(null) : a.summary().recommendations().settings();
    List<TargetSummary> eligible = new ArrayList<>(ea);
    eligible.addAll(eb);
    List<Eligibility.Excluded> excluded = new ArrayList<>(Verdicts.eligibility(ta, limitA).excluded());
    excluded.addAll(Verdicts.eligibility(tb, limitB).excluded());
    return new Summary(Summary.SCHEMA_VERSION, run, all, cs.isEmpty() ? null : cs.get(0), cs.size() > 1 ? cs.subList(1, cs.size()) : List.of(),
        Recommender.recommend(eligible, settings, excluded.size()), new Eligibility(limitA, excluded),
        io.barrage.coordinator.capacity.CapacityRuns.compare(a.summary(), b.summary()));
  }

  /** The limit a saved run was judged by (the default for files written before it was saved). */
  static double maxErrorRate(Summary s) {
    return s.eligibility() == null ? SloSpec.DEFAULT_MAX_ERROR_RATE : s.eligibility().maxErrorRate();
  }

  static List<TargetSummary> prefixed(String p, List<TargetSummary> ts) {
    List<TargetSummary> out = new ArrayList<>();
    for (TargetSummary t : ts) {
      List<CellSummary> cells = new ArrayList<>();
      for (CellSummary c : t.cells()) {
        cells.add(new CellSummary(p + c.id(), p + c.target(), c.load(), c.maxNewTokens(), c.repeat(), c.startedAt(), c.endedAt(), c.requests(),
            c.outputTokens(), c.tokens(), c.windowSeconds(), c.throughput(), c.perRequestThroughput(), c.latency(), c.cost(), c.generator(), c.slo(), c.unreachable(), c.status(),
            c.goodput(), c.server(), c.traffic(), c.probe()));
      }
      out.add(new TargetSummary(p + t.name(), t.api(), t.model(), t.deployment(), cells,
          io.barrage.coordinator.capacity.CapacityRuns.prefixed(p, t.capacity()), io.barrage.coordinator.capacity.CapacityRuns.prefixed(p, t.capacities())));
    }
    return out;
  }

  static Distributions distributions(ResultSet a, ResultSet b) {
    List<Distributions.Curve> cs = new ArrayList<>();
    for (var c : a.distributions().curves()) cs.add(new Distributions.Curve("A:" + c.cell(), "A:" + c.target(), c.metric(), c.count(), c.percentiles(), c.ms()));
    for (var c : b.distributions().curves()) cs.add(new Distributions.Curve("B:" + c.cell(), "B:" + c.target(), c.metric(), c.count(), c.percentiles(), c.ms()));
    return new Distributions(Summary.SCHEMA_VERSION, cs);
  }

  /** Writes comparison.json (the merged summary) and comparison.html into {@code outDir}. */
  public static Summary write(ResultSet a, ResultSet b, Path outDir) throws IOException {
    Summary merged = compare(a, b);
    Files.createDirectories(outDir);
    ResultWriter.writeAtomically(outDir.resolve(JSON), Json.MAPPER.writeValueAsString(merged));
    ResultWriter.writeAtomically(outDir.resolve(HTML),
        HtmlReport.render(new ResultSet(merged, new Timeline(Summary.SCHEMA_VERSION, 0, List.of()), distributions(a, b))));
    return merged;
  }
}
