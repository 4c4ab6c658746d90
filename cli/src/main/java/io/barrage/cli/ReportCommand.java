package io.barrage.cli;

import io.barrage.coordinator.report.ResultSet;
import io.barrage.coordinator.report.ResultWriter;
import io.barrage.coordinator.report.SummaryText;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code barrage report DIR}: re-renders report.html and results.csv from DIR's saved data. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Re-render report.html and results.csv of a result directory from its summary.json, timeline.json and distributions.json.")
public final class ReportCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DIR", description = "a result directory written by 'barrage run' or 'barrage demo'")
  Path dir;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    ResultSet rs;
    try {
      rs = ResultSet.read(dir);
    } catch (ResultSet.UnreadableResultsException e) {
      throw new ExitException(ExitCodes.BAD_INPUT, "barrage report: " + e.getMessage());
    }
    try {
      ResultWriter.render(rs, dir);
    } catch (IOException e) {
      throw new ExitException(ExitCodes.INTERNAL, "barrage report: cannot write to " + dir + ": " + e.getMessage());
    }
    var out = spec.commandLine().getOut();
    out.print(SummaryText.render(rs.summary()));
    out.println();
    out.println("report:  " + dir.resolve(ResultWriter.HTML).toAbsolutePath());
    out.println("csv:     " + dir.resolve(ResultWriter.CSV).toAbsolutePath());
    out.flush();
    return ExitCodes.OK;
  }
}
