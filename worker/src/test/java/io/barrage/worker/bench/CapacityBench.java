package io.barrage.worker.bench;

import io.barrage.protocol.metrics.Metric;
import io.barrage.protocol.plan.CellSpec;
import io.barrage.protocol.plan.Load;
import io.barrage.protocol.plan.LoadShare;
import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.scenario.ApiKind;
import io.barrage.protocol.scenario.LoadSpec;
import io.barrage.protocol.scenario.PromptSpec;
import io.barrage.protocol.scenario.StepSpec;
import io.barrage.protocol.scenario.Target;
import io.barrage.protocol.scenario.Timeouts;
import io.barrage.protocol.scenario.Workload;
import io.barrage.worker.engine.EngineSettings;
import io.barrage.worker.engine.LoadEngine;
import io.barrage.worker.engine.LocalStep;
import io.barrage.worker.engine.StepRequest;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.apache.pekko.actor.ActorSystem;

/**
 * Capacity of one engine JVM: N concurrent {@code tgi-stream} streams against a {@link
 * TokenServer} (own JVM, own core: {@code BENCH_SERVER_CPU}, default 1) that emits, per stream, one
 * token event every {@code N × 1e6 / rate} µs, so that all streams together offer {@code rate}
 * token events/s. Pin the engine with {@code BENCH_TASKSET="taskset -c 0"}. Prints, per level, the
 * token events/s the engine actually timed inside the measurement window, its send lag, ITL and
 * TTFT (which should equal the server's gap), errors, the CPU the engine JVM used (and the part of
 * it spent in the kernel), and the token server's own lateness and CPU over the same window: when
 * the server is late, the engine cannot be offered the full rate and the row does not show the
 * engine's capacity.
 *
 * <p>Usage: {@code scripts/bench worker io.barrage.worker.bench.CapacityBench [streams,...] [events/s] [tokens/request] [seconds]}
 */
public final class CapacityBench {
  public static void main(String[] args) throws Exception {
    String[] levels = (args.length > 0 ? args[0] : "1000,5000,10000").split(",");
    long rate = args.length > 1 ? Long.parseLong(args[1]) : 100_000;
    int tokens = args.length > 2 ? Integer.parseInt(args[2]) : 50;
    int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    int warmup = 5;
    String cpu = System.getenv().getOrDefault("BENCH_SERVER_CPU", "1");
    ActorSystem system = ActorSystem.create("capacity");
    LoadEngine engine = new LoadEngine(system, EngineSettings.defaults());
    LongAdder events = new LongAdder();
    long[] window = new long[2];
    engine.onRequest(t -> {
      if (!t.ok()) return;
      int in = 0;
      for (int i = 0; i < t.events(); i++) {
        long e = t.eventTime(i);
        if (e >= window[0] && e < window[1]) in++;
      }
      events.add(in);
    });
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "capacity-timer");
      t.setDaemon(true);
      return t;
    });
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    System.out.printf("engine cores %d, server on cpu %s, offered %,d token events/s, %d tokens/request, %ds measured after %ds warmup%n",
        Runtime.getRuntime().availableProcessors(), cpu, rate, tokens, seconds, warmup);
    System.out.printf("%7s %8s %10s %9s %7s | %22s | %22s | %18s | %11s | %30s%n", "streams", "gap ms", "events/s", "requests", "errors",
        "sendLag µs p50/p99/max", "ITL µs p50/p99/max", "TTFT µs p50/p99", "cpu (sys)", "server late µs p50/p99/max cpu (sys)");
    try {
      int cell = 0;
      for (String l : levels) {
        int n = Integer.parseInt(l.trim());
        long gapUs = n * 1_000_000L / rate;
        try (TokenServer.Child server = TokenServer.start(cpu, "stream", Long.toString(gapUs), Integer.toString(tokens))) {
          Workload w = new Workload(new PromptSpec("hello", null, null), List.of(tokens), new LoadSpec(List.of(n), null, null),
              new StepSpec(null, Duration.ofSeconds(seconds + warmup), Duration.ofSeconds(warmup)),
              new Timeouts(Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(600)), 42L);
          Target t = new Target("cap", ApiKind.TGI_STREAM, server.url(), "m", null, null, null, null);
          Load load = new Load.Concurrency(n);
          StepRequest r = new StepRequest("bench", new CellSpec(cell++, "cap/" + load.id(), "cap", tokens, load, 1), t, w,
              new LoadShare(n, 0, 0, 1, -1), 0, null);
          events.reset();
          long start = System.nanoTime();
          window[0] = start + Duration.ofSeconds(warmup).toNanos();
          window[1] = window[0] + Duration.ofSeconds(seconds).toNanos();
          // the server's lateness over exactly the measurement window
          AtomicReference<Object> late = new AtomicReference<>();
          timer.schedule(() -> {
            try {
              server.resetLateness();
            } catch (IOException e) {
              late.set(e);
            }
          }, window[0] - System.nanoTime(), TimeUnit.NANOSECONDS);
          timer.schedule(() -> {
            try {
              late.compareAndSet(null, server.lateness());
            } catch (IOException e) {
              late.set(e);
            }
          }, window[1] - System.nanoTime(), TimeUnit.NANOSECONDS);
          long cpu0 = os.getProcessCpuTime();
          long[] ticks0 = cpuTicks();
          CellAggregate a = LocalStep.run(engine, r, Duration.ofSeconds(1), Duration.ofSeconds(seconds + warmup + 300), x -> {});
          double wall = (System.nanoTime() - start) / 1e9;
          double cores = (os.getProcessCpuTime() - cpu0) / 1e9 / wall;
          long[] ticks1 = cpuTicks();
          double sysShare = ticks1[0] + ticks1[1] - ticks0[0] - ticks0[1] == 0 ? 0
              : (ticks1[1] - ticks0[1]) / (double) (ticks1[0] + ticks1[1] - ticks0[0] - ticks0[1]);
          Histogram lag = a.histogram(Metric.SEND_LAG);
          Histogram itl = a.histogram(Metric.ITL);
          Histogram ttft = a.histogram(Metric.TTFT);
          String serverLate = late.get() instanceof TokenServer.Lateness sl
              ? String.format("%6d %7d %7d %3.0f%% (%2.0f%%)", sl.p50Us(), sl.p99Us(), sl.maxUs(), sl.cpu() * 100, sl.sys() * 100)
              : "n/a (" + late.get() + ")";
          System.out.printf("%7d %8.1f %,10.0f %9d %7d | %6d %7d %7d | %6d %7d %7d | %8d %8d | %4.0f%% (%2.0f%%) | %s%n", n, gapUs / 1000.0,
              events.sum() / (double) seconds, a.ok(), a.errorCount(),
              lag.getValueAtPercentile(50), lag.getValueAtPercentile(99), lag.getMaxValue(),
              itl.getValueAtPercentile(50), itl.getValueAtPercentile(99), itl.getMaxValue(),
              ttft.getValueAtPercentile(50), ttft.getValueAtPercentile(99), cores * 100, cores * sysShare * 100, serverLate);
          if (a.errorCount() > 0) System.out.println("        errors: " + a.errors());
        }
      }
    } finally {
      timer.shutdownNow();
      system.terminate();
    }
  }

  /** This JVM's user and system CPU time in clock ticks ({@code /proc/self/stat}); zeros where there is no procfs. */
  static long[] cpuTicks() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])}; // utime, stime (fields 14 and 15)
    } catch (IOException | RuntimeException e) {
      return new long[2];
    }
  }
}
