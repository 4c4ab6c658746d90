package io.barrage.coordinator.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.coordinator.report.model.CellSummary;
import io.barrage.coordinator.report.model.Summary;
import io.barrage.coordinator.report.model.TargetSummary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenCountAlertTest {
  @TempDir Path dir;

  static CellSummary withTokens(CellSummary c, CellSummary.Tokens t) {
    return new CellSummary(c.id(), c.target(), c.load(), c.maxNewTokens(), c.repeat(), c.startedAt(), c.endedAt(), c.requests(),
        c.outputTokens(), t, c.windowSeconds(), c.throughput(), c.perRequestThroughput(), c.latency(), c.cost(), c.generator(), c.slo(), c.unreachable(), c.status());
  }

  @Test
  void aCellWhoseCountsDisagreeIsNamedAtTheTop() throws Exception {
    ResultWriter.write(SyntheticRun.create(), dir);
    ResultSet rs = ResultSet.read(dir);
    assertThat(HtmlReport.render(rs)).as("the synthetic run's counts agree").doesNotContain("alert-token-counts");
    Summary s = rs.summary();
    List<TargetSummary> targets = new ArrayList<>();
    for (TargetSummary t : s.targets()) {
      List<CellSummary> cells = new ArrayList<>(t.cells());
      if (t.name().startsWith("tgi")) {
        CellSummary first = cells.get(0);
        cells.set(0, withTokens(first, new CellSummary.Tokens(first.outputTokens(), first.outputTokens() - 300, 100, 100)));
      }
      targets.add(new TargetSummary(t.name(), t.api(), t.model(), t.deployment(), cells));
    }
    Summary lying = new Summary(s.schemaVersion(), s.run(), targets, s.comparison(), s.otherComparisons(), s.recommendations(), s.eligibility());
    String html = HtmlReport.render(new ResultSet(lying, rs.timeline(), rs.distributions()));
    String id = targets.get(1).cells().get(0).id();
    assertThat(html).contains("id=\"alert-token-counts\"").contains("Token counts disagree in 1 cell(s)")
        .contains("<code>" + id + "</code>: 100 of 100 counted request(s) differ");
  }
}
