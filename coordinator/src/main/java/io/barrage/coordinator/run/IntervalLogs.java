package io.barrage.coordinator.run;

import io.barrage.protocol.metrics.Histograms;
import io.barrage.protocol.metrics.IntervalReport;
import io.barrage.protocol.metrics.Metric;
import io.barrage.protocol.plan.CellSpec;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * HdrHistogram interval logs, {@code histograms/<cell fileId>_<metric>.hlog}, written as reports are
 * merged and flushed line by line, so a coordinator crash loses no interval already received. Each
 * interval is tagged with the worker that measured it; timestamps are in the coordinator's clock.
 * Not thread-safe (owned by the run's actor).
 */
public final class IntervalLogs implements AutoCloseable {
  private final Path dir;
  private final Map<String, HistogramLogWriter> writers = new HashMap<>();

  public IntervalLogs(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  /**
   * @param offsetMs the worker's clock minus the coordinator's
   * @param cellStartMs the cell's start (coordinator clock), the logs' base time
   */
  public void write(CellSpec cell, IntervalReport r, long offsetMs, long cellStartMs) {
    for (Map.Entry<Metric, byte[]> e : r.histograms().entrySet()) {
      Histogram h = Histograms.decode(e.getValue());
      if (h.getTotalCount() == 0) continue;
      HistogramLogWriter w = writer(cell, e.getKey(), cellStartMs);
      long start = r.startEpochMs() > 0 ? r.startEpochMs() - offsetMs : System.currentTimeMillis() - 1000;
      long end = r.endEpochMs() > 0 ? r.endEpochMs() - offsetMs : System.currentTimeMillis();
      h.setStartTimeStamp(start);
      h.setEndTimeStamp(Math.max(start, end));
      h.setTag(r.workerId());
      w.outputIntervalHistogram(h);
    }
  }

  private HistogramLogWriter writer(CellSpec cell, Metric m, long cellStartMs) {
    String name = cell.fileId() + "_" + m.key() + ".hlog";
    return writers.computeIfAbsent(
        name,
        n -> {
          try {
            Files.createDirectories(dir);
            // autoflush: every interval line reaches the file at once
            PrintStream out = new PrintStream(new FileOutputStream(dir.resolve(n).toFile()), true, "UTF-8");
            HistogramLogWriter w = new HistogramLogWriter(out);
            w.outputComment("barrage cell " + cell.id() + ", metric " + m.key() + " (" + m.description() + "), microseconds; tag = worker");
            w.outputLogFormatVersion();
            w.outputStartTime(cellStartMs);
            w.setBaseTime(cellStartMs);
            w.outputBaseTime(cellStartMs);
            w.outputLegend();
            return w;
          } catch (IOException e) {
            throw new UncheckedIOException("cannot write interval log " + dir.resolve(n), e);
          }
        });
  }

  @Override
  public void close() {
    writers.values().forEach(HistogramLogWriter::close);
    writers.clear();
  }
}
