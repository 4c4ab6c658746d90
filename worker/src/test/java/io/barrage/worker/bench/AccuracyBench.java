package io.barrage.worker.bench;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import io.barrage.worker.client.RequestTrace;
import io.barrage.worker.engine.EngineSettings;
import io.barrage.worker.engine.LoadEngine;
import io.barrage.worker.engine.LocalStep;
import io.barrage.worker.engine.StepRequest;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.apache.pekko.actor.ActorSystem;

/**
 * Measured minus true, per request, against the simulator's ground truth. The simulator runs in its
 * own JVM ({@link SimulatorChild}, pinned to {@code BENCH_SERVER_CPU}, default core 1) and writes its
 * truth log to a JSON Lines file; the engine runs in this JVM (pin it to the other core with {@code
 * BENCH_TASKSET="taskset -c 0"}). Both stamp with {@code System.nanoTime()}, which is CLOCK_MONOTONIC
 * on Linux and shared by every process of the machine; the harness checks that before each level
 * (the child's reading must fall between two readings of ours) and prints the result.
 *
 * <p>Per request, matched by {@code X-Barrage-Request-Id}:
 *
 * <ul>
 *   <li>TTFT error = (tFirst − tSend) − (truth first token − truth arrival) = request delivery +
 *       first-token delivery;
 *   <li>request delivery = truth arrival − tSend: the engine's write, the kernel, and the server's
 *       accept / read / parse / routing until its route saw the request (the server's queueing);
 *   <li>token delivery = client arrival of token i − truth write of token i (the first one is the
 *       TTFT's second half): the kernel, the engine's wake-up and parse until its timestamp;
 *   <li>gap error = |measured gap − true gap| for every consecutive token pair = the change in token
 *       delivery from one token to the next.
 * </ul>
 *
 * Also printed per level: the engine's send lag, the simulator's scheduling lag over the measured
 * window (from its {@code /metrics}), and both processes' CPU over the measured window as a share of
 * one core. A fresh simulator JVM serves each level.
 *
 * <p>Environment: {@code BENCH_SERVER_CPU} (the simulator's core, default 1; empty: unpinned), {@code
 * BENCH_SERVER_JAVA_OPTS} (extra flags for the simulator JVM), {@code BENCH_KEEP_TRUTH=1} (keep each
 * level's truth file and write the engine's side next to it, for offline analysis), {@code
 * BENCH_IO_RT} (see {@link #realtimeIo()}), {@code BENCH_WARMUP_S} (default 20), {@code BENCH_TLS=1}
 * (https: the simulator serves TLS with a self-signed certificate and the engine trusts it through
 * {@code tls.caFile}). Two seconds
 * before each window opens, both JVMs run a full collection.
 *
 * <p>Usage: {@code BENCH_JAVA_OPTS=-XX:TieredStopAtLevel=1 BENCH_TASKSET="taskset -c 0" scripts/bench worker
 * io.barrage.worker.bench.AccuracyBench
 * [streams,...] [seconds] [maxNewTokens] [timeScale] [full|mixed]}
 */
public final class AccuracyBench {
  /**
   * BENCH_WARMUP_S: seconds of warmup excluded from each level (default 20: at this request rate the
   * JIT compilers are still busy in the first 10-15 s).
   */
  private static final int WARMUP_SECONDS = Integer.parseInt(System.getenv().getOrDefault("BENCH_WARMUP_S", "20"));
  private static final int CLOCK_SAMPLES = 500;

  /**
   * BENCH_IO_RT (default 1): the engine's and the simulator's event loops run under SCHED_FIFO where
   * permitted ({@code io-priority = realtime}, {@code barrage simulate --io-priority realtime}); 0:
   * ordinary threads, which wait behind their JVM's JIT compiler on a shared core.
   */
  static boolean realtimeIo() {
    return !"0".equals(System.getenv().getOrDefault("BENCH_IO_RT", "1"));
  }

  /** One line of the simulator's truth log (TruthLog's JSON Lines format). */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Truth(String id, long arrivalNanos, long headersNanos, long[] tokenNanos, long endNanos, int tokens, String outcome) {}

  public static void main(String[] args) throws Exception {
    String[] levels = (args.length > 0 ? args[0] : "1,100,1000").split(",");
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    int mnt = args.length > 2 ? Integer.parseInt(args[2]) : 16;
    double scale = args.length > 3 ? Double.parseDouble(args[3]) : 0.002;
    boolean mixed = args.length > 4 && args[4].equals("mixed");
    String simCpu = System.getenv().getOrDefault("BENCH_SERVER_CPU", "1");
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    ActorSystem system = ActorSystem.create("accuracy");
    stallWatchdog("engine", "barrage-io", "accuracy");
    LoadEngine engine = new LoadEngine(system, EngineSettings.defaults().withIoRealtime(realtimeIo()));
    Map<String, RequestTrace> traces = new ConcurrentHashMap<>();
    engine.onRequest(t -> {
      if (t.ok() && t.measured) traces.put(t.id, t);
    });
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread th = new Thread(r, "accuracy-timer");
      th.setDaemon(true);
      return th;
    });
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    System.out.printf("profile tgi-fast (limits lifted%s) timeScale %s, maxNewTokens %d, closed loop tgi-stream, %ds measured after %ds warmup%n",
        mixed ? "; 1 request in 4 ends with EOS after 9 tokens" : "", scale, mnt, seconds, WARMUP_SECONDS);
    boolean c1Only = ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:TieredStopAtLevel=1");
    if (realtimeIo() && !c1Only) {
      System.out.println("WARNING: real-time event loops with the C2 compiler: on this project's 2-core VM 3 runs in 15"
          + " had a ~0.9 s stall of a whole JVM in the window; run with BENCH_JAVA_OPTS=-XX:TieredStopAtLevel=1 (docs/bench/engine.md)");
    }
    System.out.println(tls() ? "transport: https (TLS 1.3, self-signed certificate trusted through tls.caFile; BENCH_TLS=1)"
        : "transport: http (BENCH_TLS=1: https)");
    System.out.printf("engine: this JVM, %d core(s) visible; simulator: own JVM on cpu %s; event loops of both: %s; JIT: %s%n",
        Runtime.getRuntime().availableProcessors(), simCpu.isBlank() ? "(unpinned)" : simCpu,
        realtimeIo() ? "real-time where permitted (BENCH_IO_RT=0: ordinary)" : "ordinary threads",
        c1Only ? "C1 only in both JVMs" : "tiered (C1 and C2)");
    try {
      int cellIndex = 0;
      for (String l : levels) {
        int n = Integer.parseInt(l.trim());
        traces.clear();
        Path truthFile = Files.createTempFile("barrage-accuracy-truth-", ".jsonl");
        double engineCpu;
        double simCpuShare;
        String schedLag;
        double engineWait;
        double simWait;
        String gc;
        String steal;
        CellAggregate agg;
        Path tlsDir = tls() ? Files.createTempDirectory("barrage-accuracy-tls-") : null;
        try (SimulatorChild sim = SimulatorChild.start(simCpu, scale, mixed, truthFile, tlsDir)) {
          System.out.println();
          System.out.println(clockCheck(sim));
          Workload w = new Workload(new PromptSpec("hello world", null, null), List.of(mnt), new LoadSpec(List.of(n), null, null),
              new StepSpec(null, Duration.ofSeconds(seconds + WARMUP_SECONDS), Duration.ofSeconds(WARMUP_SECONDS)),
              new Timeouts(Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(120)), 42L);
          Target t = new Target("sim", ApiKind.TGI_STREAM, sim.url(), "m", null, null, null, null, null,
              tlsDir == null ? null : new io.barrage.protocol.scenario.TlsOptions(tlsDir.resolve("cert.pem").toString(), null));
          Load load = new Load.Concurrency(n);
          StepRequest r = new StepRequest("bench", new CellSpec(cellIndex++, "sim/m" + mnt + "/" + load.id(), "sim", mnt, load, 1),
              t, w, new LoadShare(n, 0, 0, 1, -1), 0, null);
          // A full collection in both JVMs shortly before the window opens: the start-up objects
          // still in the young generation are promoted, so the window's young collections copy only
          // the steady state's survivors (the first young collections otherwise pause 30-50 ms).
          var collect = timer.schedule(() -> {
            System.out.println("  full collections at " + java.time.LocalTime.now());
            System.gc();
            try {
              sim.collect();
            } catch (IOException e) {
              System.out.println("cannot run a collection in the simulator: " + e.getMessage());
            }
          }, Math.max(0, WARMUP_SECONDS * 1000L - 2000), TimeUnit.MILLISECONDS);
          long[] atWarmupEnd = new long[5];
          long[][] stealAtWarmupEnd = new long[1][];
          long self = ProcessHandle.current().pid();
          String[] gcAtWarmupEnd = new String[2];
          var mark = timer.schedule(() -> {
            try {
              sim.resetSchedulingLag();
            } catch (IOException e) {
              System.out.println("cannot reset the simulator's scheduling lag: " + e.getMessage());
            }
            atWarmupEnd[0] = System.nanoTime();
            System.out.println("  window opens at " + java.time.LocalTime.now());
            atWarmupEnd[1] = os.getProcessCpuTime();
            atWarmupEnd[2] = sim.cpuNanos();
            atWarmupEnd[3] = runQueueWaitNanos(self);
            atWarmupEnd[4] = runQueueWaitNanos(sim.pid());
            stealAtWarmupEnd[0] = stealTicks();
            gcAtWarmupEnd[0] = gcCounters();
            try {
              gcAtWarmupEnd[1] = sim.gcCounters();
            } catch (IOException e) {
              gcAtWarmupEnd[1] = "";
            }
          }, WARMUP_SECONDS, TimeUnit.SECONDS);
          agg = LocalStep.run(engine, r, Duration.ofSeconds(1), Duration.ofSeconds(seconds + WARMUP_SECONDS + 180), x -> {});
          mark.get();
          collect.get();
          System.out.println("  window closed at " + java.time.LocalTime.now());
          double wall = System.nanoTime() - atWarmupEnd[0];
          engineCpu = (os.getProcessCpuTime() - atWarmupEnd[1]) / wall;
          long simNow = sim.cpuNanos();
          simCpuShare = simNow < 0 || atWarmupEnd[2] < 0 ? Double.NaN : (simNow - atWarmupEnd[2]) / wall;
          engineWait = (runQueueWaitNanos(self) - atWarmupEnd[3]) / wall;
          simWait = (runQueueWaitNanos(sim.pid()) - atWarmupEnd[4]) / wall;
          schedLag = schedulingLag(tlsDir == null ? http : trusting(tlsDir.resolve("cert.pem")), sim.url());
          steal = stealShare(stealAtWarmupEnd[0], stealTicks(), wall);
          gc = "engine " + gcDelta(gcAtWarmupEnd[0], gcCounters()) + "; simulator " + gcDelta(gcAtWarmupEnd[1], sim.gcCounters());
        }
        Map<String, Truth> truth = readTruth(truthFile);
        if (System.getenv("BENCH_KEEP_TRUTH") == null) Files.deleteIfExists(truthFile);
        else keepEngineSide(truthFile, traces);
        report(n, agg, traces, truth, engineCpu, simCpuShare, schedLag, engineWait, simWait, gc);
        System.out.println("  CPU stolen by the hypervisor in the window (/proc/stat steal): " + steal);
      }
    } finally {
      system.terminate();
      timer.shutdownNow();
    }
  }

  /**
   * Checks that the child's {@code System.nanoTime()} reads the same clock as ours: each child
   * reading must fall inside [our reading before the request, our reading after the reply]. The
   * tightest round trip bounds any offset between the two clocks.
   */
  private static String clockCheck(SimulatorChild sim) throws IOException {
    int inside = 0;
    long bestRtt = Long.MAX_VALUE;
    long bestOffset = 0;
    long worstOutside = 0;
    for (int i = 0; i < CLOCK_SAMPLES; i++) {
      long[] s = sim.clockSample();
      long before = s[0], child = s[1], after = s[2];
      if (child >= before && child <= after) inside++;
      else worstOutside = Math.max(worstOutside, child < before ? before - child : child - after);
      if (after - before < bestRtt) {
        bestRtt = after - before;
        bestOffset = child - (before + after) / 2;
      }
    }
    return String.format("clock check: %d/%d child nanoTime readings inside our [before, after] window%s; tightest round trip %.1f µs,"
            + " child − midpoint %+.1f µs there (|offset| ≤ %.1f µs)",
        inside, CLOCK_SAMPLES, inside == CLOCK_SAMPLES ? "" : String.format(" (worst %.1f µs outside: NOT one clock)", worstOutside / 1e3),
        bestRtt / 1e3, bestOffset / 1e3, bestRtt / 2e3);
  }

  /**
   * Time the threads of process {@code pid} have spent runnable but not running (waiting on a run
   * queue, {@code /proc/PID/task/TID/schedstat} field 2), summed, in ns; threads that ended are not
   * counted. A direct view of how much the other tenants of a shared core delayed us. -1 off Linux.
   */
  static long runQueueWaitNanos(long pid) {
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    long sum = 0;
    try (var dirs = Files.list(tasks)) {
      for (Path t : (Iterable<Path>) dirs::iterator) {
        try {
          String[] f = Files.readString(t.resolve("schedstat")).trim().split("\\s+");
          sum += Long.parseLong(f[1]);
        } catch (IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return sum;
  }

  /**
   * For offline analysis ({@code BENCH_KEEP_TRUTH=1}): keeps the truth file and writes the engine's
   * side next to it ({@code .engine.jsonl}: id, tSend, event times).
   */
  private static void keepEngineSide(Path truthFile, Map<String, RequestTrace> traces) throws IOException {
    Path out = Path.of(truthFile.toString().replace(".jsonl", ".engine.jsonl"));
    ObjectMapper json = new ObjectMapper();
    try (var w = Files.newBufferedWriter(out)) {
      for (RequestTrace t : traces.values()) {
        long[] ev = new long[t.events()];
        for (int i = 0; i < ev.length; i++) ev[i] = t.eventTime(i);
        w.write(json.writeValueAsString(Map.of("id", t.id, "tSend", t.tSend, "events", ev)));
        w.newLine();
      }
    }
    System.out.println("  kept " + truthFile + " and " + out);
  }

  /**
   * A diagnostic for whole-core stalls: a daemon thread that wakes every 20 ms; when it wakes more
   * than 100 ms late (its core was held, e.g. by a real-time thread that spins), it prints the
   * stacks of this JVM's threads whose names start with one of {@code prefixes}, and by how much it
   * was late. Silent otherwise.
   */
  static void stallWatchdog(String who, String... prefixes) {
    Thread w = new Thread(() -> {
      long last = System.nanoTime();
      while (true) {
        LockSupport.parkNanos(20_000_000L);
        long now = System.nanoTime();
        long late = now - last - 20_000_000L;
        last = now;
        if (late < 100_000_000L) continue;
        StringBuilder b = new StringBuilder(String.format("STALL in %s: the watchdog woke %.0f ms late, at %s%n", who, late / 1e6,
            java.time.LocalTime.now()));
        for (var e : Thread.getAllStackTraces().entrySet()) {
          String name = e.getKey().getName();
          if (java.util.Arrays.stream(prefixes).noneMatch(name::startsWith)) continue;
          b.append("  ").append(name).append(" (").append(e.getKey().getState()).append(")\n");
          StackTraceElement[] st = e.getValue();
          for (int i = 0; i < Math.min(25, st.length); i++) b.append("    at ").append(st[i]).append('\n');
        }
        System.err.print(b); // stderr: a child's stdout is its command channel
        System.err.flush();
        last = System.nanoTime();
      }
    }, "stall-watchdog");
    w.setDaemon(true);
    w.start();
  }

  /** The steal column of each {@code cpuN} line of /proc/stat (ticks), or null off Linux. */
  static long[] stealTicks() {
    try {
      return Files.readAllLines(Path.of("/proc/stat")).stream().filter(l -> l.matches("cpu\\d+ .*"))
          .mapToLong(l -> Long.parseLong(l.trim().split("\\s+")[8])).toArray();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Each CPU's stolen time (the hypervisor ran something else while this VM's vCPU wanted to run)
   * between two {@link #stealTicks()} readings, as a share of {@code wallNanos}: "cpu0 0.1 %, cpu1 2.3 %".
   */
  static String stealShare(long[] before, long[] after, double wallNanos) {
    if (before == null || after == null || before.length != after.length) return "n/a";
    double tickNanos = 1e9 / 100; // USER_HZ
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < after.length; i++) {
      if (i > 0) b.append(", ");
      b.append(String.format("cpu%d %.1f %%", i, (after[i] - before[i]) * tickNanos / wallNanos * 100));
    }
    return b.toString();
  }

  /** Every garbage collector of this JVM as {@code name=count/milliseconds}, {@code ;}-separated. */
  static String gcCounters() {
    StringBuilder b = new StringBuilder();
    for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (b.length() > 0) b.append(';');
      b.append(gc.getName().replace(' ', '_')).append('=').append(gc.getCollectionCount()).append('/').append(gc.getCollectionTime());
    }
    return b.toString();
  }

  /** What the collectors did between two {@link #gcCounters()} readings: "name n× total ms", or "none". */
  static String gcDelta(String before, String after) {
    Map<String, long[]> b = new HashMap<>();
    for (String e : before.split(";")) {
      if (e.isBlank()) continue;
      String[] kv = e.split("=");
      String[] v = kv[1].split("/");
      b.put(kv[0], new long[] {Long.parseLong(v[0]), Long.parseLong(v[1])});
    }
    StringBuilder out = new StringBuilder();
    for (String e : after.split(";")) {
      if (e.isBlank()) continue;
      String[] kv = e.split("=");
      String[] v = kv[1].split("/");
      long[] was = b.getOrDefault(kv[0], new long[2]);
      long n = Long.parseLong(v[0]) - was[0];
      long ms = Long.parseLong(v[1]) - was[1];
      if (n == 0) continue;
      if (out.length() > 0) out.append(", ");
      out.append(kv[0].replace('_', ' ')).append(' ').append(n).append("× ").append(ms).append(" ms");
    }
    return out.length() == 0 ? "none" : out.toString();
  }

  private static Map<String, Truth> readTruth(Path file) throws IOException {
    Map<String, Truth> byId = new HashMap<>();
    try (MappingIterator<Truth> it = new ObjectMapper().readerFor(Truth.class).readValues(file.toFile())) {
      while (it.hasNext()) {
        Truth t = it.next();
        byId.put(t.id(), t);
      }
    }
    return byId;
  }

  /** BENCH_TLS=1: the simulator serves https (self-signed, trusted through tls.caFile) and the engine speaks TLS. */
  static boolean tls() {
    return "1".equals(System.getenv("BENCH_TLS"));
  }

  /** A JDK HTTP client that trusts the simulator's self-signed certificate (for /metrics over https). */
  private static HttpClient trusting(Path certPem) {
    try {
      java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setCertificateEntry("sim", io.barrage.common.tls.Pem.certificates(certPem).get(0));
      javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(ctx).build();
    } catch (java.security.GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The simulator's scheduling lag quantiles from its /metrics, in µs, or a note why not. */
  private static String schedulingLag(HttpClient http, String baseUrl) {
    try {
      HttpResponse<String> rsp = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (rsp.statusCode() != 200) return "n/a (/metrics: HTTP " + rsp.statusCode() + ")";
      String lag = quantiles(rsp.body(), "barrage_sim_scheduling_lag_seconds");
      if (lag.equals("n/a")) return "n/a (no barrage_sim_scheduling_lag_seconds in /metrics)";
      return lag + "; event-loop pass µs p50/p99/max " + quantiles(rsp.body(), "barrage_sim_loop_pass_seconds");
    } catch (IOException | RuntimeException e) {
      return "n/a (" + e + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "n/a (interrupted)";
    }
  }

  /** p50 / p99 / max in µs of a summary in Prometheus text, or n/a. */
  private static String quantiles(String metrics, String name) {
    Map<String, Double> q = new HashMap<>();
    String prefix = name + "{quantile=\"";
    for (String line : metrics.split("\n")) {
      if (!line.startsWith(prefix)) continue;
      int close = line.indexOf('"', prefix.length());
      q.put(line.substring(prefix.length(), close), Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
    }
    if (q.isEmpty()) return "n/a";
    return String.format("%.0f / %.0f / %.0f", q.getOrDefault("0.5", Double.NaN) * 1e6, q.getOrDefault("0.99", Double.NaN) * 1e6,
        q.getOrDefault("1.0", Double.NaN) * 1e6);
  }

  /** A distribution of nanosecond values printed in µs; negative values are counted (they would mean two clocks). */
  private static final class Dist {
    final Histogram h = new Histogram(3_600_000_000_000L, 3);
    long negative;
    long min = Long.MAX_VALUE;

    void record(long nanos) {
      min = Math.min(min, nanos);
      if (nanos < 0) negative++;
      h.recordValue(Math.min(Math.abs(nanos), h.getHighestTrackableValue()));
    }

    String pct() {
      if (h.getTotalCount() == 0) return "-";
      return String.format("%,.1f / %,.1f / %,.1f", h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getMaxValue() / 1e3);
    }

    String negatives(String name) {
      return negative == 0 ? "" : String.format("  [%s: %d negative, min %.1f µs]", name, negative, min / 1e3);
    }
  }

  private static void report(int n, CellAggregate agg, Map<String, RequestTrace> traces, Map<String, Truth> truth, double engineCpu,
      double simCpu, String schedLag, double engineWait, double simWait, String gc) {
    Dist ttftErr = new Dist(), gapErr = new Dist(), request = new Dist(), first = new Dist(), token = new Dist(), handling = new Dist();
    int matched = 0, missing = 0, mismatched = 0;
    for (RequestTrace tr : traces.values()) {
      Truth t = truth.get(tr.id);
      if (t == null || !"ok".equals(t.outcome())) {
        missing++;
        continue;
      }
      long[] tok = t.tokenNanos();
      if (tok.length != tr.events() || tok.length == 0) {
        mismatched++;
        continue;
      }
      matched++;
      ttftErr.record((tr.tFirst - tr.tSend) - (tok[0] - t.arrivalNanos()));
      request.record(t.arrivalNanos() - tr.tSend);
      if (t.headersNanos() > 0) handling.record(t.headersNanos() - t.arrivalNanos());
      first.record(tr.tFirst - tok[0]);
      for (int i = 0; i < tok.length; i++) {
        token.record(tr.eventTime(i) - tok[i]);
        if (i > 0) gapErr.record((tr.eventTime(i) - tr.eventTime(i - 1)) - (tok[i] - tok[i - 1]));
      }
    }
    Histogram lag = agg.histogram(Metric.SEND_LAG);
    System.out.printf("streams %,d: %,d requests ok (%d errors %s), %,d tokens; matched to truth %,d, no ok truth %d, token count differs %d%n",
        n, agg.ok(), agg.errorCount(), agg.errors(), agg.outputTokens(), matched, missing, mismatched);
    System.out.printf("  TTFT error µs p50/p99/max    %s%s%n", ttftErr.pct(), ttftErr.negatives("measured < true"));
    System.out.printf("  gap error µs p50/p99/max     %s   (%,d gaps)%n", gapErr.pct(), gapErr.h.getTotalCount());
    System.out.printf("  request delivery µs          %s%s   (truth arrival − tSend)%n", request.pct(), request.negatives("arrival before send"));
    System.out.printf("  server handling µs           %s   (truth headers written − truth arrival, on the server's request thread)%n",
        handling.pct());
    System.out.printf("  first-token delivery µs      %s%s   (tFirst − truth write)%n", first.pct(), first.negatives("read before write"));
    System.out.printf("  every-token delivery µs      %s%s%n", token.pct(), token.negatives("read before write"));
    System.out.printf("  engine send lag µs p50/p99/max %d / %d / %d; simulator scheduling lag µs p50/p99/max %s%n",
        lag.getValueAtPercentile(50), lag.getValueAtPercentile(99), lag.getMaxValue(), schedLag);
    System.out.printf("  CPU over the measured window (share of one core): engine %.0f %%, simulator %.0f %%;"
        + " runnable but waiting for a CPU (all threads, share of the window): engine %.0f %%, simulator %.0f %%%n",
        engineCpu * 100, simCpu * 100, engineWait * 100, simWait * 100);
    System.out.printf("  GC in the measured window: %s%n", gc);
  }
}
