package io.barrage.coordinator.capacity;

import io.barrage.protocol.plan.CapacitySearch;
import io.barrage.protocol.plan.CellSpec;
import io.barrage.protocol.plan.Load;
import io.barrage.protocol.results.CellRecord;
import io.barrage.protocol.scenario.Scenario;
import io.barrage.protocol.scenario.SearchBy;
import io.barrage.protocol.scenario.SearchSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The cells of a capacity search ({@code workload.load.search}): one search per target ×
 * maxNewTokens (× repeat), one after the other; within a search, each probe's load is decided by
 * {@link CapacitySearch} from the probes measured before it, judged by {@link ProbeJudge}. A probe's
 * id is {@code target/m128/r12.5/probe3}.
 */
final class SearchCells implements CellSource {
  private final Scenario scenario;
  private final SearchSpec spec;
  private final List<SearchKey> keys;

  SearchCells(Scenario scenario) {
    this.scenario = scenario;
    this.spec = scenario.workload().load().search();
    this.keys = SearchKey.all(scenario);
  }

  @Override
  public CellSpec next(List<CellRecord> measured) {
    for (SearchKey k : keys) {
      List<CapacitySearch.Probe> probes = probes(scenario, k, measured);
      if (probes == null) continue; // a probe was cut short: this search ends there (the run may be ending too)
      if (CapacitySearch.next(spec, probes) instanceof CapacitySearch.Step.Measure m) {
        Load load = load(scenario, m.load());
        String id = k.cellId(load, "/probe" + (probes.size() + 1));
        return new CellSpec(measured.size(), id, k.target().name(), k.maxNewTokens(), load, k.repeat());
      }
    }
    return null;
  }

  @Override
  public int plannedSize() {
    return keys.size() * spec.probesOrDefault();
  }

  /** The judged probes of one search, in order; null when one of them was cut short. */
  static List<CapacitySearch.Probe> probes(Scenario scenario, SearchKey k, List<CellRecord> measured) {
    List<CapacitySearch.Probe> out = new ArrayList<>();
    for (CellRecord c : measured) {
      if (!k.owns(c.spec())) continue;
      if (c.cut()) return null;
      boolean met = ProbeJudge.missed(c, k.target(), scenario.slo()) == null;
      out.add(new CapacitySearch.Probe(level(c.spec().load()), met, c.startedAtEpochMs(), c.endedAtEpochMs()));
    }
    return out;
  }

  static Load load(Scenario scenario, double level) {
    var l = scenario.workload().load();
    return l.search().by() == SearchBy.CONCURRENCY ? new Load.Concurrency((int) level) : new Load.Rate(level, l.arrivalsOrDefault());
  }

  static double level(Load l) {
    return l instanceof Load.Concurrency c ? c.streams() : ((Load.Rate) l).perSecond();
  }
}
