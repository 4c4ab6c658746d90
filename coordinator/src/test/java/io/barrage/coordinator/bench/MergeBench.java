package io.barrage.coordinator.bench;

import io.barrage.coordinator.run.IntervalLogs;
import io.barrage.protocol.metrics.ErrorClass;
import io.barrage.protocol.metrics.Histograms;
import io.barrage.protocol.metrics.IntervalCounters;
import io.barrage.protocol.metrics.IntervalReport;
import io.barrage.protocol.metrics.Metric;
import io.barrage.protocol.plan.CellSpec;
import io.barrage.protocol.plan.Load;
import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.wire.OrderKey;
import io.barrage.protocol.wire.CoordinatorProtocol;
import io.barrage.protocol.wire.KryoWireSerializer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The coordinator's merge path under 1,000 simulated workers, each sending one interval report a
 * second with 10 metric histograms: Kryo decode of the wire bytes, exact merge (CellAggregate), and
 * the HdrHistogram interval logs, paced in real time. Prints bytes per report, CPU used by the merging
 * thread, and how far it ran behind real time. A harness, not a test:
 *
 * <pre>scripts/bench coordinator io.barrage.coordinator.bench.MergeBench [workers] [seconds] [samplesPerMetric]</pre>
 */
public final class MergeBench {
  public static void main(String[] args) throws Exception {
    int workers = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int samples = args.length > 2 ? Integer.parseInt(args[2]) : 50;
    boolean writeLogs = args.length <= 3 || !args[3].equals("nologs");
    var codec = new KryoWireSerializer.WireCodec(() -> null); // no actor refs in these messages

    // one second of reports per worker is pre-encoded (distinct per worker) and replayed with new sequence numbers
    Random rnd = new Random(1);
    List<Map<Metric, byte[]>> templates = new ArrayList<>();
    for (int w = 0; w < Math.min(workers, 50); w++) {
      Map<Metric, byte[]> hs = new EnumMap<>(Metric.class);
      for (Metric m : Metric.values()) {
        Histogram h = Histograms.create();
        int n = m == Metric.ITL ? samples * 30 : samples;
        for (int i = 0; i < n; i++) h.recordValue(1 + (long) Math.abs(rnd.nextGaussian() * 40_000 + 60_000));
        hs.put(m, Histograms.encode(h));
      }
      templates.add(hs);
    }
    var counters = new IntervalCounters(samples, samples, Map.of(ErrorClass.RESET, 1L), Map.of(), samples * 128L, samples * 128L, 0, 0, samples, 0, 1, 2);
    long totalBytes = 0, reports = 0;
    CellSpec cell = new CellSpec(0, "bench/m128/c1000", "bench", 128, new Load.Concurrency(workers * 10), 1);
    CellAggregate agg = new CellAggregate(cell.id());
    Path dir = Files.createTempDirectory("merge-bench");
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long cpu0 = mx.getCurrentThreadCpuTime();
    long start = System.nanoTime();
    long startMs = System.currentTimeMillis();
    long maxLagMs = 0, sumLagMs = 0;
    try (IntervalLogs logs = new IntervalLogs(dir)) {
      for (int s = 0; s < seconds; s++) {
        long due = start + TimeUnit.SECONDS.toNanos(s + 1); // second s's reports arrive at its end
        while (System.nanoTime() < due) TimeUnit.MILLISECONDS.sleep(1); // pacing of a real-time replay
        for (int w = 0; w < workers; w++) {
          var r = new IntervalReport("w" + w, cell.id(), s, startMs + 1000L * s, startMs + 1000L * (s + 1), templates.get(w % templates.size()), counters, s == seconds - 1);
          byte[] wire = codec.encode(new CoordinatorProtocol.Interval("bench", r, null, OrderKey.random()));
          totalBytes += wire.length;
          reports++;
          var in = (CoordinatorProtocol.Interval) codec.decode(wire);
          var decoded = CellAggregate.decode(in.report());
          agg.add(in.report(), decoded);
          if (writeLogs) logs.write(cell, in.report(), decoded, 0, startMs);
        }
        long lagMs = (System.nanoTime() - due) / 1_000_000;
        maxLagMs = Math.max(maxLagMs, lagMs);
        sumLagMs += lagMs;
      }
    }
    long cpuNs = mx.getCurrentThreadCpuTime() - cpu0;
    double wall = (System.nanoTime() - start) / 1e9;
    System.out.printf("%-34s %s%n", "workers x seconds", workers + " x " + seconds);
    System.out.printf("%-34s %d%n", "reports merged", reports);
    System.out.printf("%-34s %d%n", "bytes per report (Kryo, 10 metrics)", totalBytes / reports);
    System.out.printf("%-34s %.1f%n", "wire MB/s", totalBytes / wall / 1e6);
    System.out.printf("%-34s %.0f%%%n", "merge thread CPU (one core)", 100.0 * cpuNs / (wall * 1e9));
    System.out.printf("%-34s %.3f%n", "CPU ms per report", cpuNs / 1e6 / reports);
    System.out.printf("%-34s %d / %d%n", "lag behind real time ms (avg/max)", sumLagMs / seconds, maxLagMs);
    System.out.printf("%-34s %d%n", "merged ttft samples", agg.histogram(Metric.TTFT).getTotalCount());
    try (var files = Files.list(dir)) {
      System.out.printf("%-34s %d files, %d KB%n", "interval logs", dir.toFile().list().length,
          files.mapToLong(f -> f.toFile().length()).sum() / 1024);
    }
  }
}
