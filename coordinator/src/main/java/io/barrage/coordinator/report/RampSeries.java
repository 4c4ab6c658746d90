package io.barrage.coordinator.report;

import io.barrage.coordinator.report.model.LoadInfo;
import io.barrage.coordinator.report.model.Numbers;
import io.barrage.coordinator.report.model.Timeline;
import io.barrage.protocol.metrics.Histograms;
import io.barrage.protocol.metrics.Metric;
import io.barrage.protocol.plan.Load;
import io.barrage.protocol.plan.RampProfile;
import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.results.CellRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * A ramp's ({@code load.stages}) one-second series for timeline.json and the report: per second of
 * the ramp (each worker's intervals placed by their time since that worker began its part, see
 * {@link RampOrigins}: a worker that started late is aligned, not shifted), the planned level, TTFT/TPOT/e2e percentiles from the exact merge of every
 * worker's interval histograms (each interval counted in the second its middle falls in; workers
 * report about once a second, so a second holds about one interval of each worker), requests and
 * good requests per second (per worker its count over the time its intervals covered in that second,
 * an interval that straddles two seconds shared between them by its time in each, summed over
 * workers) and the in-flight gauge (each worker's last in the second, summed).
 */
public final class RampSeries {
  private RampSeries() {}

  /** The summary's load of a ramp: its peak in {@code concurrency} or {@code rate}, and its stages. */
  static LoadInfo loadInfo(Load.Ramp ramp) {
    List<LoadInfo.Stage> stages = new ArrayList<>();
    for (Load.Stage s : ramp.stages()) {
      stages.add(ramp.closedLoop() ? new LoadInfo.Stage(null, (int) s.level(), s.durationMillis() / 1000.0)
          : new LoadInfo.Stage(s.level(), null, s.durationMillis() / 1000.0));
    }
    return ramp.closedLoop() ? new LoadInfo((int) ramp.peak(), null, null, stages)
        : new LoadInfo(null, ramp.peak(), ramp.arrivals() == null ? null : ramp.arrivals().yamlName(), stages);
  }

  private static final class Bucket {
    final Map<Metric, Histogram> hist = new HashMap<>();
    final Map<String, double[]> perWorker = new HashMap<>(); // worker -> {ok, good, coveredMs, lastEndMs, inFlight}
  }

  /** The per-second series of a ramp cell, or null for any other cell. */
  public static List<Timeline.Second> of(CellRecord c, boolean goodput) {
    if (!(c.spec().load() instanceof Load.Ramp ramp)) return null;
    long t0 = c.startedAtEpochMs();
    CellAggregate a = c.aggregate();
    RampOrigins origins = new RampOrigins(a, t0);
    TreeMap<Integer, Bucket> buckets = new TreeMap<>();
    for (CellAggregate.TimelinePoint p : a.timeline()) {
      long o = origins.of(p.workerId());
      long start = Math.max(p.startEpochMs(), o);
      long end = Math.max(p.endEpochMs(), start);
      // an interval that straddles a second's edge counts in both, in proportion to its time in
      // each: a worker whose reports drift against the seconds (a loaded machine) never leaves a
      // second without its part, nor counts two intervals in one
      int first = second(start, start, o), last = end > start ? second(end - 1, end - 1, o) : first;
      for (int k = first; k <= last; k++) {
        long from = Math.max(start, o + 1000L * k), to = end > start ? Math.min(end, o + 1000L * (k + 1)) : start;
        double share = end > start ? (double) (to - from) / (end - start) : 1.0;
        Bucket b = buckets.computeIfAbsent(k, x -> new Bucket());
        double[] w = b.perWorker.computeIfAbsent(p.workerId(), x -> new double[] {0, 0, 0, Long.MIN_VALUE, 0});
        w[0] += p.ok() * share;
        w[1] += p.goodRequests() * share;
        w[2] += to - from;
        if (end >= w[3]) {
          w[3] = end;
          w[4] = p.inFlight();
        }
      }
    }
    for (CellAggregate.LatencySlice s : a.latencySlices()) {
      long o = origins.of(s.workerId());
      long start = Math.max(s.startEpochMs(), o);
      Bucket b = buckets.computeIfAbsent(second(start, Math.max(s.endEpochMs(), start), o), k -> new Bucket());
      s.histograms().forEach((m, bytes) -> b.hist.computeIfAbsent(m, k -> Histograms.create()).add(Histograms.decode(bytes)));
    }
    RampProfile profile = new RampProfile(ramp.stages());
    List<Timeline.Second> out = new ArrayList<>();
    for (Map.Entry<Integer, Bucket> e : buckets.entrySet()) {
      Bucket b = e.getValue();
      double ok = 0, good = 0;
      long inFlight = 0;
      boolean covered = false;
      for (double[] w : b.perWorker.values()) {
        inFlight += (long) w[4];
        if (w[2] <= 0) continue;
        covered = true;
        ok += w[0] * 1000.0 / w[2];
        good += w[1] * 1000.0 / w[2];
      }
      Map<String, Timeline.Percentiles> lat = new LinkedHashMap<>();
      for (Metric m : CellAggregate.SLICE_METRICS) lat.put(m.key(), percentiles(b.hist.get(m)));
      out.add(new Timeline.Second(e.getKey(), Numbers.round(profile.level(e.getKey() + 0.5), 4), covered ? Numbers.round(ok, 4) : null,
          goodput && covered ? Numbers.round(good, 4) : null, inFlight, lat));
    }
    return out;
  }

  private static int second(long start, long end, long t0) {
    return (int) Math.max(0, Math.floorDiv((start + end) / 2 - t0, 1000L));
  }

  private static Timeline.Percentiles percentiles(Histogram h) {
    if (h == null || h.getTotalCount() == 0) return new Timeline.Percentiles(0, null, null, null);
    return new Timeline.Percentiles(h.getTotalCount(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)));
  }

  private static Double ms(long us) {
    return Numbers.round(us / 1000.0, 3);
  }
}
