package io.barrage.cli;

import io.barrage.coordinator.report.ResultSet;
import io.barrage.coordinator.report.RunComparison;
import io.barrage.coordinator.report.SummaryText;
import io.barrage.coordinator.report.model.Comparison;
import io.barrage.coordinator.report.model.Numbers;
import io.barrage.coordinator.report.model.Summary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code barrage compare DIR_A DIR_B [--out DIR]}: head-to-head of two saved runs (A is the baseline). */
@Command(name = "compare", mixinStandardHelpOptions = true,
    description = "Head-to-head of two saved runs: A is the baseline, B the candidate. Cells match on maxNewTokens and load level.")
public final class CompareCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DIR_A", description = "baseline result directory")
  Path a;

  @Parameters(index = "1", paramLabel = "DIR_B", description = "candidate result directory")
  Path b;

  @Option(names = "--out", paramLabel = "DIR", description = "write comparison.json and comparison.html here")
  Path out;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    ResultSet ra = read(a, "DIR_A"), rb = read(b, "DIR_B");
    Summary merged;
    try {
      merged = out == null ? RunComparison.compare(ra, rb) : RunComparison.write(ra, rb, out);
    } catch (IOException e) {
      throw new ExitException(ExitCodes.INTERNAL, "barrage compare: cannot write to " + out + ": " + e.getMessage());
    }
    List<Comparison> all = new ArrayList<>();
    if (merged.comparison() != null) all.add(merged.comparison());
    all.addAll(merged.otherComparisons());
    String left = SummaryText.excluded(merged.eligibility());
    if (all.isEmpty()) {
      throw new ExitException(ExitCodes.BAD_INPUT,
          "barrage compare: no matching cells: the two runs share no (maxNewTokens, load level) pair for their targets"
              + (left.isEmpty() ? "" : " among the cells a verdict may use; " + left.stripTrailing()));
    }
    PrintWriter w = spec.commandLine().getOut();
    String fmt = "%-6s %-8s %12s %12s %10s %10s %10s %10s%n";
    for (Comparison c : all) {
      w.printf("%s (candidate) vs %s (baseline)%n", c.candidate(), c.baseline());
      w.printf(Locale.ROOT, fmt, "tokens", "load", "base tok/s", "cand tok/s", "tok/s ×", "TTFT p50×", "e2e p50×", "e2e p99×");
      for (Comparison.CellComparison cc : c.cells()) {
        w.printf(Locale.ROOT, fmt, cc.maxNewTokens(), cc.load().shortLabel(), Numbers.fmt(cc.baselineTokensPerSecond(), 1),
            Numbers.fmt(cc.candidateTokensPerSecond(), 1), Numbers.fmt(cc.throughputRatio(), 2), ratio(cc, "ttft", "p50"),
            ratio(cc, "e2e", "p50"), ratio(cc, "e2e", "p99"));
      }
      if (c.headline() != null) w.println(c.headline());
      w.println();
    }
    if (!left.isEmpty()) w.println(left);
    w.println("Ratios are candidate ÷ baseline (latency below 1 = candidate faster).");
    if (out != null) w.println("report:  " + out.resolve(RunComparison.HTML).toAbsolutePath());
    w.flush();
    return ExitCodes.OK;
  }

  private static String ratio(Comparison.CellComparison cc, String metric, String p) {
    var m = cc.latencyRatios().get(metric);
    return m == null ? "–" : Numbers.fmt(m.get(p), 2);
  }

  private static ResultSet read(Path dir, String what) {
    try {
      return ResultSet.read(dir);
    } catch (ResultSet.UnreadableResultsException e) {
      throw new ExitException(ExitCodes.BAD_INPUT, "barrage compare: " + what + ": " + e.getMessage());
    }
  }
}
