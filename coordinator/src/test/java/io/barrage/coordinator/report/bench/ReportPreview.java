package io.barrage.coordinator.report.bench;

import io.barrage.coordinator.report.ResultSet;
import io.barrage.coordinator.report.ResultWriter;
import io.barrage.coordinator.report.SyntheticRunAccess;
import io.barrage.protocol.results.RunRecord;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the synthetic run's result directory (to look at report.html) and times the writer and the
 * re-render: {@code scripts/bench coordinator io.barrage.coordinator.report.bench.ReportPreview [DIR]}.
 */
public final class ReportPreview {
  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "target/report-preview");
    RunRecord run = SyntheticRunAccess.create();
    System.out.printf("%-32s %10s%n", "step", "ms");
    for (int i = 0; i < 5; i++) {
      long t = System.nanoTime();
      ResultWriter.write(run, out);
      long w = System.nanoTime();
      ResultWriter.render(ResultSet.read(out), out);
      long r = System.nanoTime();
      System.out.printf("%-32s %10.1f%n", "write (round " + (i + 1) + ")", (w - t) / 1e6);
      System.out.printf("%-32s %10.1f%n", "read + re-render (round " + (i + 1) + ")", (r - w) / 1e6);
    }
    System.out.printf("cells %d; summary.json %d B, report.html %d B, in %s%n", run.cells().size(),
        Files.size(out.resolve("summary.json")), Files.size(out.resolve("report.html")), out.toAbsolutePath());
  }
}
