package io.barrage.worker.engine;

import io.barrage.protocol.metrics.Histograms;
import io.barrage.protocol.metrics.TrafficReport;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The session and trace figures of one worker's step, cut into {@link TrafficReport}s with the
 * step's interval reports: TTFT and e2e by turn index, sessions started / completed / failed and
 * session latency (multi-turn sessions), and the arrivals of this worker's slice that were due in
 * each interval (trace replay). Writers are event-loop threads; {@link #drain} runs on the reporting
 * thread (HdrHistogram {@link Recorder}s and atomics make that safe).
 */
final class TrafficRecorder {
  private final AtomicReferenceArray<Recorder> ttft;
  private final AtomicReferenceArray<Recorder> e2e;
  private final Recorder sessionLatency = newRecorder();
  private final AtomicLong started = new AtomicLong();
  private final AtomicLong completed = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private volatile long[] due = new long[0];
  private int dueCursor;

  TrafficRecorder(int turns) {
    ttft = new AtomicReferenceArray<>(turns + 1);
    e2e = new AtomicReferenceArray<>(turns + 1);
  }

  private static Recorder newRecorder() {
    return new Recorder(Histograms.LOWEST_US, Histograms.HIGHEST_US, Histograms.DIGITS);
  }

  private static Recorder of(AtomicReferenceArray<Recorder> a, int turn) {
    Recorder r = a.get(turn);
    if (r == null) {
      a.compareAndSet(turn, null, newRecorder());
      r = a.get(turn);
    }
    return r;
  }

  /** A successful measured turn: its TTFT and e2e (nanoseconds; −1 when it had no token). */
  void turn(int turn, long ttftNanos, long e2eNanos) {
    if (turn < 1 || turn >= ttft.length()) return;
    if (ttftNanos >= 0) of(ttft, turn).recordValue(Histograms.clamp(Math.max(1, ttftNanos / 1000)));
    if (e2eNanos >= 0) of(e2e, turn).recordValue(Histograms.clamp(Math.max(1, e2eNanos / 1000)));
  }

  void sessionStarted() {
    started.incrementAndGet();
  }

  /** A session whose turns all succeeded; {@code measured} sessions give a latency sample. */
  void sessionCompleted(boolean measured, long nanos) {
    completed.incrementAndGet();
    if (measured) sessionLatency.recordValue(Histograms.clamp(Math.max(1, nanos / 1000)));
  }

  void sessionFailed() {
    failed.incrementAndGet();
  }

  /** The instants (System.nanoTime) at which this worker's trace arrivals are due, ascending. */
  void offeredAt(long[] instants) {
    due = instants;
  }

  /** The figures since the previous drain; {@code nowNanos} closes the interval of the offered count. */
  synchronized TrafficReport drain(long nowNanos) {
    long offered = 0;
    long[] d = due;
    while (dueCursor < d.length && d[dueCursor] < nowNanos) {
      dueCursor++;
      offered++;
    }
    Map<Integer, byte[]> t = encode(ttft), e = encode(e2e);
    Histogram s = sessionLatency.getIntervalHistogram();
    long st = started.getAndSet(0), co = completed.getAndSet(0), fa = failed.getAndSet(0);
    if (t.isEmpty() && e.isEmpty() && st == 0 && co == 0 && fa == 0 && offered == 0 && s.getTotalCount() == 0) return TrafficReport.NONE;
    return new TrafficReport(t, e, st, co, fa, s.getTotalCount() == 0 ? new byte[0] : Histograms.encode(s), offered);
  }

  private static Map<Integer, byte[]> encode(AtomicReferenceArray<Recorder> a) {
    Map<Integer, byte[]> out = new HashMap<>();
    for (int i = 1; i < a.length(); i++) {
      Recorder r = a.get(i);
      if (r == null) continue;
      Histogram h = r.getIntervalHistogram();
      if (h.getTotalCount() > 0) out.put(i, Histograms.encode(h));
    }
    return out;
  }
}
