package io.barrage.protocol.metrics;

import java.util.Map;

/**
 * What a worker sends about one cell every second: interval histograms (compressed HdrHistogram,
 * microseconds) and counters. (workerId, cellId, sequence) identifies a report; the coordinator
 * de-duplicates on it. Sequence numbers start at 0 and have no gaps for one worker and cell.
 *
 * @param startEpochMs wall-clock start of the interval (worker clock corrected by the measured offset)
 * @param endEpochMs wall-clock end of the interval
 * @param last true on the final report of this worker for this cell
 * @param traffic multi-turn session and trace replay figures ({@link TrafficReport#NONE} otherwise)
 */
public record IntervalReport(
    String workerId,
    String cellId,
    long sequence,
    long startEpochMs,
    long endEpochMs,
    Map<Metric, byte[]> histograms,
    IntervalCounters counters,
    boolean last,
    TrafficReport traffic) {

  public IntervalReport {
    histograms = Map.copyOf(histograms);
    if (traffic == null) traffic = TrafficReport.NONE;
  }

  /** A report without session or trace figures. */
  public IntervalReport(String workerId, String cellId, long sequence, long startEpochMs, long endEpochMs,
      Map<Metric, byte[]> histograms, IntervalCounters counters, boolean last) {
    this(workerId, cellId, sequence, startEpochMs, endEpochMs, histograms, counters, last, TrafficReport.NONE);
  }
}
