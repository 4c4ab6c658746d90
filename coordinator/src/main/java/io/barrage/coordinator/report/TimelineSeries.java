package io.barrage.coordinator.report;

import io.barrage.coordinator.report.model.Timeline;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The series of the charts over the run, per target, on one-second buckets counted from the run's
 * start. Workers report intervals of about a second whose edges differ from worker to worker and
 * whose last one is short; each interval's arrived tokens are spread evenly over its own span and
 * added to the buckets it overlaps, and a bucket's rate is its tokens divided by the time its
 * intervals actually covered, so a short interval contributes a short interval's tokens and is never
 * divided by its own small length alone. A bucket covered for less than half a second (the edge of
 * a cell) is merged into its neighbour. A worker's first interval, which opens before the cell's
 * common start, is counted from that start.
 */
public final class TimelineSeries {
  static final long BUCKET_MS = 1000;

  private TimelineSeries() {}

  /** One point of a series: seconds since the run's start (the middle of the time covered) and a value. */
  public record Point(double seconds, double value) {}

  private static final class Bucket {
    double tokens;
    final List<long[]> covered = new ArrayList<>();
    final Map<String, long[]> lastGauge = new HashMap<>(); // worker -> {endMs, inFlight}

    long coveredMs() {
      covered.sort((a, b) -> Long.compare(a[0], b[0]));
      long sum = 0, from = Long.MIN_VALUE, to = Long.MIN_VALUE;
      for (long[] c : covered) {
        if (c[0] > to) {
          if (to > from) sum += to - from;
          from = c[0];
          to = c[1];
        } else {
          to = Math.max(to, c[1]);
        }
      }
      if (to > from) sum += to - from;
      return sum;
    }

    long firstMs() {
      return covered.stream().mapToLong(c -> c[0]).min().orElse(0);
    }

    long lastMs() {
      return covered.stream().mapToLong(c -> c[1]).max().orElse(0);
    }
  }

  /** Output tokens per second of one target, booked when the tokens arrived; a null point marks a gap. */
  public static List<Point> tokensPerSecond(Timeline tl, String target, long t0) {
    TreeMap<Long, Bucket> buckets = buckets(tl, target, t0);
    // merge every bucket covered for under half its length into an adjacent one
    for (Long k : new ArrayList<>(buckets.keySet())) {
      Bucket b = buckets.get(k);
      if (b == null || b.coveredMs() * 2 >= BUCKET_MS) continue;
      Bucket into = buckets.containsKey(k - 1) ? buckets.get(k - 1) : buckets.get(k + 1);
      if (into == null) continue;
      into.tokens += b.tokens;
      into.covered.addAll(b.covered);
      buckets.remove(k);
    }
    List<Point> out = new ArrayList<>();
    Long prev = null;
    for (Map.Entry<Long, Bucket> e : buckets.entrySet()) {
      Bucket b = e.getValue();
      long covered = b.coveredMs();
      if (covered <= 0) continue;
      if (prev != null && e.getKey() - prev > 2) out.add(null);
      double mid = ((b.firstMs() + b.lastMs()) / 2.0 - t0) / 1000.0;
      out.add(new Point(mid, b.tokens * 1000.0 / covered));
      prev = e.getKey();
    }
    return out;
  }

  /** Requests in flight of one target: per bucket, the sum over workers of each one's last gauge in it. */
  public static List<Point> inFlight(Timeline tl, String target, long t0) {
    List<Point> out = new ArrayList<>();
    Long prev = null;
    for (Map.Entry<Long, Bucket> e : buckets(tl, target, t0).entrySet()) {
      if (e.getValue().lastGauge.isEmpty()) continue;
      if (prev != null && e.getKey() - prev > 2) out.add(null);
      long sum = 0;
      for (long[] g : e.getValue().lastGauge.values()) sum += g[1];
      out.add(new Point(e.getKey() + 0.5, sum));
      prev = e.getKey();
    }
    return out;
  }

  private static TreeMap<Long, Bucket> buckets(Timeline tl, String target, long t0) {
    TreeMap<Long, Bucket> buckets = new TreeMap<>();
    for (Timeline.CellTimeline c : tl.cells()) {
      if (!c.target().equals(target)) continue;
      for (Timeline.Point p : c.points()) {
        // a worker's first interval opens when it gets the order, before the cell's common start: no
        // token arrives before that start, so the interval counts from there
        long end = Math.max(p.endEpochMs(), p.startEpochMs());
        long start = c.startedAtEpochMs() > 0 ? Math.min(end, Math.max(p.startEpochMs(), c.startedAtEpochMs())) : p.startEpochMs();
        long span = end - start;
        long endKey = Math.floorDiv(Math.max(end - 1, start) - t0, BUCKET_MS);
        Bucket gaugeBucket = buckets.computeIfAbsent(endKey, k -> new Bucket());
        long[] g = gaugeBucket.lastGauge.get(p.worker());
        if (g == null || g[0] <= end) gaugeBucket.lastGauge.put(p.worker(), new long[] {end, p.inFlight()});
        if (span == 0) {
          gaugeBucket.tokens += p.tokensForRate();
          continue;
        }
        for (long k = Math.floorDiv(start - t0, BUCKET_MS); k <= endKey; k++) {
          long from = Math.max(start, t0 + k * BUCKET_MS), to = Math.min(end, t0 + (k + 1) * BUCKET_MS);
          if (to <= from) continue;
          Bucket b = buckets.computeIfAbsent(k, x -> new Bucket());
          b.tokens += p.tokensForRate() * (double) (to - from) / span;
          b.covered.add(new long[] {from, to});
        }
      }
    }
    return buckets;
  }
}
