package io.barrage.coordinator.report.bench;

import io.barrage.coordinator.report.ResultWriter;
import java.nio.file.Path;

/** Writes the synthetic run's result directory, to look at report.html: {@code scripts/bench coordinator io.barrage.coordinator.report.bench.ReportPreview DIR}. */
public final class ReportPreview {
  public static void main(String[] args) throws Exception {
    Path out = Path.of(args.length > 0 ? args[0] : "target/report-preview");
    long t = System.nanoTime();
    ResultWriter.write(io.barrage.coordinator.report.SyntheticRunAccess.create(), out);
    System.out.printf("wrote %s in %.1f ms%n", out.toAbsolutePath(), (System.nanoTime() - t) / 1e6);
  }
}
