package io.barrage.coordinator.run;

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
import java.nio.ByteBuffer;
import org.HdrHistogram.EncodableHistogram;
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
    write(cell, r, io.barrage.protocol.results.CellAggregate.decode(r), offsetMs, cellStartMs);
  }

  /**
   * Appends one report's intervals. {@code decoded} holds the report's histograms already decoded
   * (for their maximum); the log line carries the worker's own compressed bytes, not a re-encoding.
   */
  public void write(CellSpec cell, IntervalReport r, Map<Metric, Histogram> decoded, long offsetMs, long cellStartMs) {
    long start = r.startEpochMs() > 0 ? r.startEpochMs() - offsetMs : System.currentTimeMillis() - 1000;
    long end = r.endEpochMs() > 0 ? r.endEpochMs() - offsetMs : System.currentTimeMillis();
    for (Map.Entry<Metric, byte[]> e : r.histograms().entrySet()) {
      Histogram h = decoded.get(e.getKey());
      if (h == null || h.getTotalCount() == 0) continue;
      HistogramLogWriter w = writer(cell, e.getKey(), cellStartMs);
      w.outputIntervalHistogram(new PreEncoded(e.getValue(), h.getMaxValueAsDouble(), start, Math.max(start, end), r.workerId()));
    }
  }

  /** A histogram that is already in HdrHistogram's compressed form: written to the log as it is. */
  private static final class PreEncoded extends EncodableHistogram {
    private final byte[] compressed;
    private final double max;
    private long start;
    private long end;
    private String tag;

    PreEncoded(byte[] compressed, double max, long start, long end, String tag) {
      this.compressed = compressed;
      this.max = max;
      this.start = start;
      this.end = end;
      this.tag = tag;
    }

    @Override
    public int getNeededByteBufferCapacity() {
      return compressed.length;
    }

    @Override
    public int encodeIntoCompressedByteBuffer(ByteBuffer target, int compressionLevel) {
      target.put(compressed);
      return compressed.length;
    }

    @Override
    public long getStartTimeStamp() {
      return start;
    }

    @Override
    public void setStartTimeStamp(long t) {
      start = t;
    }

    @Override
    public long getEndTimeStamp() {
      return end;
    }

    @Override
    public void setEndTimeStamp(long t) {
      end = t;
    }

    @Override
    public String getTag() {
      return tag;
    }

    @Override
    public void setTag(String t) {
      tag = t;
    }

    @Override
    public double getMaxValueAsDouble() {
      return max;
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
            w.outputComment("barrage cell " + cell.id() + ", metric " + m.key() + " (" + m.description() + "), " + (m.latency() ? "microseconds" : "milli-tokens per second") + "; tag = worker");
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
