package io.barrage.coordinator.report;

import io.barrage.coordinator.report.model.Distributions;
import io.barrage.coordinator.report.model.Summary;
import io.barrage.coordinator.report.model.Timeline;
import io.barrage.protocol.results.RunRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a run's result directory: {@code summary.json} (the contract, schemaVersion 1),
 * {@code timeline.json} and {@code distributions.json} (the chart data), {@code results.csv},
 * {@code capacity.csv} (only after a capacity search) and {@code report.html}. The CSV and the HTML are rendered from the saved JSON alone, so
 * {@code barrage report DIR} re-renders them identically. Each file is written to a temporary name
 * and moved into place, so a reader never sees half a file.
 */
public final class ResultWriter {
  private static final Logger log = LoggerFactory.getLogger(ResultWriter.class);

  public static final String SUMMARY = "summary.json";
  public static final String TIMELINE = "timeline.json";
  public static final String DISTRIBUTIONS = "distributions.json";
  public static final String CSV = "results.csv";
  public static final String HTML = "report.html";

  private ResultWriter() {}

  public static void write(RunRecord run, Path outDir) throws IOException {
    Files.createDirectories(outDir);
    Summary summary = SummaryBuilder.summary(run);
    Timeline timeline = SummaryBuilder.timeline(run);
    Distributions distributions = SummaryBuilder.distributions(run);
    writeAtomically(outDir.resolve(SUMMARY), Json.MAPPER.writeValueAsString(summary));
    writeAtomically(outDir.resolve(TIMELINE), Json.MAPPER.writeValueAsString(timeline));
    writeAtomically(outDir.resolve(DISTRIBUTIONS), Json.MAPPER.writeValueAsString(distributions));
    render(new ResultSet(summary, timeline, distributions), outDir);
    log.info("results of run {} written to {}", run.runId(), outDir.toAbsolutePath());
  }

  /** (Re-)renders results.csv and report.html from saved data. */
  public static void render(ResultSet results, Path outDir) throws IOException {
    writeAtomically(outDir.resolve(CSV), CsvWriter.render(results.summary()));
    String capacity = CapacityCsv.render(results.summary());
    if (capacity != null) writeAtomically(outDir.resolve(CapacityCsv.FILE), capacity);
    writeAtomically(outDir.resolve(HTML), HtmlReport.render(results));
  }

  static void writeAtomically(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
