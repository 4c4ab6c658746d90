package io.barrage.coordinator.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.coordinator.capacity.CellSource;
import io.barrage.coordinator.report.model.CellSummary;
import io.barrage.coordinator.report.model.Distributions;
import io.barrage.coordinator.report.model.Summary;
import io.barrage.coordinator.report.model.Timeline;
import io.barrage.protocol.plan.CellSpec;
import io.barrage.protocol.plan.Load;
import io.barrage.protocol.results.CellRecord;
import io.barrage.protocol.results.RunOutcome;
import io.barrage.protocol.results.RunRecord;
import io.barrage.protocol.scenario.Scenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the result files say about a capacity search beyond {@code targets[].capacity}: every probe
 * cell marked as a probe (summary.json, results.csv), capacity.csv, and {@code barrage compare}
 * keeping both runs' capacities.
 */
class CapacityResultFilesTest {
  static final String SEARCH = "{search: {by: concurrency, min: 1, max: 8}}";

  /** Runs every search of the scenario to its end, each probe's p99 e2e given by {@code e2eMs}. */
  static Summary run(String load, ToDoubleFunction<CellSpec> e2eMs) throws Exception {
    Scenario sc = CapacityReplayTest.scenario(load);
    CellSource source = CellSource.of(sc);
    List<CellRecord> done = new ArrayList<>();
    for (CellSpec next = source.next(done); next != null; next = source.next(done)) {
      done.add(CapacityReplayTest.measured(next, 10, e2eMs.applyAsDouble(next), false));
    }
    return SummaryBuilder.summary(new RunRecord("r", sc, Fixtures.T0, Fixtures.T0 + 100_000, new RunOutcome.Completed(), 1, List.of(), done));
  }

  /** fastapi meets p99 e2e ≤ 1 s up to {@code fastapiMax} users, tgi everywhere. */
  static Summary search(int fastapiMax) throws Exception {
    return run(SEARCH, spec -> spec.target().startsWith("fastapi") && ((Load.Concurrency) spec.load()).streams() > fastapiMax ? 1500 : 100);
  }

  @Test
  void everyProbeCellIsMarkedAsAProbeWithItsStepPhaseAndVerdict() throws Exception {
    Summary s = search(1);
    List<CellSummary> cells = s.target("fastapi-a100").cells();
    assertThat(cells).extracting(CellSummary::id)
        .containsExactly("fastapi-a100/m128/c1/probe1", "fastapi-a100/m128/c2/probe2", "fastapi-a100/m128/c1/probe3");
    assertThat(cells).extracting(CellSummary::probe).containsExactly(
        new CellSummary.Probe("concurrency", 1, "bracket", true, null),
        new CellSummary.Probe("concurrency", 2, "bracket", false, "p99 e2e 1.5 s > 1 s"),
        new CellSummary.Probe("concurrency", 3, "confirm", true, null));

    String json = Json.MAPPER.writeValueAsString(s);
    var probe2 = Json.MAPPER.readTree(json).at("/targets/0/cells/1/probe");
    assertThat(probe2.toString()).isEqualTo("{\"by\":\"concurrency\",\"step\":2,\"phase\":\"bracket\",\"met\":false,\"why\":\"p99 e2e 1.5 s > 1 s\"}");
    Summary back = Json.MAPPER.readValue(json, Summary.class);
    assertThat(back.target("fastapi-a100").cells().get(2).probe()).as("read back by barrage report").isEqualTo(cells.get(2).probe());

    List<String> csv = List.of(CsvWriter.render(s).split("\r\n"));
    assertThat(csv.get(0)).as("appended at the end").endsWith(",probe_step,probe_phase,probe_met");
    assertThat(csv).filteredOn(l -> l.contains("fastapi-a100/m128/c2/probe2")).singleElement().asString().endsWith(",2,bracket,false");
    assertThat(csv).filteredOn(l -> l.contains("fastapi-a100/m128/c1/probe3")).singleElement().asString().endsWith(",3,confirm,true");
  }

  @Test
  void cellsThatAreNotProbesCarryNoProbeMark() throws Exception {
    Summary s = run("{sweep: {points: 2, saturation: 4}}", spec -> 100);
    assertThat(s.targets()).flatMap(t -> t.cells()).isNotEmpty().extracting(CellSummary::probe).containsOnlyNulls();
    var cell = Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(s)).at("/targets/0/cells/0");
    assertThat(cell.has("probe")).isTrue();
    assertThat(cell.get("probe").isNull()).as("probe: null").isTrue();
    List<String> csv = List.of(CsvWriter.render(s).split("\r\n"));
    assertThat(csv.get(1)).as("three empty probe columns").endsWith(",,,");
    assertThat(CapacityCsv.render(s)).as("no capacity.csv without a search").isNull();
  }

  @Test
  void capacityCsvHasOneRowPerSearchWithTheAnswer(@TempDir Path dir) throws Exception {
    Summary s = search(1);
    ResultWriter.render(new ResultSet(s, new Timeline(Summary.SCHEMA_VERSION, 0, List.of()), new Distributions(Summary.SCHEMA_VERSION, List.of())), dir);
    List<String> rows = Files.readAllLines(dir.resolve(CapacityCsv.FILE));
    assertThat(rows.get(0)).isEqualTo(String.join(",", CapacityCsv.HEADER));
    assertThat(rows).hasSize(3);
    assertThat(rows.get(1)).startsWith("fastapi-a100,128,1,concurrency,1,false,2,0.05,1,3,found,true,fastapi-a100/m128/c1/probe3,")
        .endsWith(",\"p99 e2e ≤ 1 s, errors ≤ 1 %\"");
    assertThat(rows.get(2)).startsWith("tgi-2xa4000,128,1,concurrency,8,true,,0.05,,5,at-max,true,tgi-2xa4000/m128/c8/probe5,");
  }

  @Test
  void comparingTwoRunsKeepsBothRunsCapacitiesAndPutsThemSideBySide() throws Exception {
    Summary before = search(1), after = search(4);
    Summary merged = RunComparison.compare(result(before), result(after));

    var a = merged.target("A:fastapi-a100").capacity();
    var b = merged.target("B:fastapi-a100").capacity();
    assertThat(a.sustained()).isEqualTo(1.0);
    assertThat(b.sustained()).isEqualTo(4.0);
    assertThat(b.cell()).isEqualTo(merged.target("B:fastapi-a100").cells().stream().filter(c -> c.id().equals(b.cell())).findFirst().orElseThrow().id())
        .startsWith("B:fastapi-a100/m128/c4/");
    assertThat(b.steps()).allSatisfy(p -> assertThat(p.cell()).startsWith("B:"));
    assertThat(merged.target("B:fastapi-a100").cells()).extracting(CellSummary::probe).doesNotContainNull();

    assertThat(merged.capacity()).extracting(cc -> cc.sentence()).contains(
        "B:fastapi-a100 sustains 4× the concurrency of A:fastapi-a100 under p99 e2e ≤ 1 s, errors ≤ 1 % (4 concurrent requests vs 1 concurrent request, 128 new tokens)"
            + "; USD per 1M tokens at that load: B:fastapi-a100 " + usd(b.usdPer1MTokens()) + ", A:fastapi-a100 " + usd(a.usdPer1MTokens()));
    assertThat(merged.capacity()).extracting(cc -> cc.sentence())
        .anySatisfy(t -> assertThat(t).startsWith("run A: tgi-2xa4000 sustains at least 8× the concurrency of fastapi-a100"))
        .anySatisfy(t -> assertThat(t).startsWith("run B: tgi-2xa4000 sustains at least 2× the concurrency of fastapi-a100"));

    String text = SummaryText.render(merged);
    assertThat(text).contains("capacity A:fastapi-a100 (m128): A:fastapi-a100 sustains 1 concurrent request")
        .contains("capacity B:fastapi-a100 (m128): B:fastapi-a100 sustains 4 concurrent requests");
  }

  private static String usd(Double v) {
    return io.barrage.coordinator.report.model.Numbers.fmt(v, 2);
  }

  private static ResultSet result(Summary s) {
    return new ResultSet(s, new Timeline(Summary.SCHEMA_VERSION, 0, List.of()), new Distributions(Summary.SCHEMA_VERSION, List.of()));
  }
}
