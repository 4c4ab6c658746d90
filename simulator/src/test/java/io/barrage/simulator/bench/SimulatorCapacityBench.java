package io.barrage.simulator.bench;

import io.barrage.simulator.Profile;
import io.barrage.simulator.Profiles;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Capacity of one simulator: N concurrent SSE streams against a continuous-batching profile whose
 * decode step is sized so that N streams together receive {@code rate} token events/s. The
 * simulator runs in this JVM (pin it with {@code BENCH_TASKSET="taskset -c 0"}); the client is
 * {@link SseLoadClient} in its own JVM on core {@code BENCH_CLIENT_CPU} (default 1), as barrage's
 * workers are separate processes. Prints per level: open streams, token events/s written by the
 * server and counted by the client in the window, the engine's scheduling lag (how late each step
 * fired), the token write lag (engine emission → the token's chunk written to its socket, on an
 * event loop), and the CPU the simulator used.
 *
 * <pre>scripts/bench simulator io.barrage.simulator.bench.SimulatorCapacityBench [streams...] [--rate R] [--hold S] [--quiet-ramp S]</pre>
 */
public final class SimulatorCapacityBench {
  /** Nice value of the event loops: 0 as `barrage simulate` runs by default; BENCH_IO_NICE=N to lower them. */
  static final int IO_NICE = Integer.parseInt(System.getenv().getOrDefault("BENCH_IO_NICE", "0"));
  /** As `barrage simulate` runs by default (a SCHED_FIFO engine thread where permitted); BENCH_RT=0 for an ordinary one. */
  static final boolean REALTIME = !"0".equals(System.getenv().getOrDefault("BENCH_RT", "1"));
  /** BENCH_CLIENT_NICE=N runs the client JVM at nice N (default 0: normal priority). */
  static final int CLIENT_NICE = Integer.parseInt(System.getenv().getOrDefault("BENCH_CLIENT_NICE", "0"));

  public static void main(String[] args) throws Exception {
    List<Integer> levels = new ArrayList<>();
    double rate = 100_000;
    int holdSeconds = 15;
    int quietRampSeconds = 10;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rate" -> rate = Double.parseDouble(args[++i]);
        case "--hold" -> holdSeconds = Integer.parseInt(args[++i]);
        case "--quiet-ramp" -> quietRampSeconds = Integer.parseInt(args[++i]);
        default -> levels.add(Integer.parseInt(args[i]));
      }
    }
    if (levels.isEmpty()) levels = List.of(1000, 5000);
    String cpu = System.getenv().getOrDefault("BENCH_CLIENT_CPU", "1");
    System.out.printf(Locale.ROOT, "offered %,.0f token events/s; client JVM on cpu %s; %d s window; event loops at nice %d, client at nice %d, engine thread %s%n",
        rate, cpu.isEmpty() ? "any" : cpu, holdSeconds, IO_NICE, CLIENT_NICE, REALTIME ? "real-time if permitted" : "ordinary");
    System.out.printf(Locale.ROOT, "%8s %6s %9s %10s %10s | %26s | %26s | %6s %6s%n", "streams", "open", "inFlight",
        "srv tok/s", "cli tok/s", "sched lag µs p50/p99/max", "write lag µs p50/p99/max", "cpu", "errors");
    for (int n : levels) run(n, rate, holdSeconds, quietRampSeconds, cpu);
  }

  private static void run(int streams, double rate, int holdSeconds, int quietRampSeconds, String cpu) throws Exception {
    // step time at batch N = N / rate seconds: base 200 µs + per-sequence slope
    double stepMicros = streams / rate * 1e6;
    double perSeq = Math.max(0, (stepMicros - 200) / streams);
    int tokensPerStream = 100_000; // longer than ramp + window: every stream stays open throughout
    Profile p = Profiles.get(Profiles.TGI_FAST).withTiming(new Profile.Timing(200, perSeq, 0, 100, 0.1, 10, 0))
        // TGI serves a long generation in 1024-token segments, each re-queued with the text so far
        // appended to the prompt: the input limit must let a stream grow for the whole run
        .withLimits(new Profile.Limits(streams + 10, tokensPerStream + 1000, tokensPerStream + 3000,
            2L * streams * (tokensPerStream + 3000), 1_000_000, streams + 10));
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(p).withIoNice(IO_NICE).withRealtimeClock(REALTIME))) {
      int maxSeconds = quietRampSeconds + holdSeconds + 240;
      List<String> cmd = new ArrayList<>();
      if (Files.isExecutable(Path.of("/usr/bin/taskset")) && !cpu.isEmpty()) cmd.addAll(List.of("taskset", "-c", cpu));
      if (CLIENT_NICE > 0) cmd.addAll(List.of("nice", "-n", String.valueOf(CLIENT_NICE)));
      cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g", "-cp",
          System.getProperty("java.class.path"), SseLoadClient.class.getName(), "127.0.0.1", String.valueOf(s.port()),
          String.valueOf(streams), String.valueOf(tokensPerStream), String.valueOf(quietRampSeconds * 1000L),
          String.valueOf(maxSeconds)));
      Process client = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      try (BufferedReader out = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
           Writer in = new OutputStreamWriter(client.getOutputStream(), StandardCharsets.US_ASCII)) {
        long rampStart = System.nanoTime();
        String ready = out.readLine();
        if (ready == null || !ready.startsWith("ready")) throw new IllegalStateException("client said: " + ready);
        System.out.printf(Locale.ROOT, "# %d streams opened in %.1f s (%s); server in flight %d%n", streams,
            (System.nanoTime() - rampStart) / 1e9, ready, s.stats().inFlight());
        // every stream went quiet after its first token so the ramp ran without token traffic; wait
        // until the last one has resumed, then let the batch settle before measuring
        LockSupport.parkNanos(quietRampSeconds * 1_000_000_000L + 3_000_000_000L);
        s.stats().resetSchedulingLag();
        long tok0 = s.stats().tokensEmitted();
        long cpu0 = os.getProcessCpuTime();
        long[] us0 = userSys();
        long[] m0 = mark(in, out);
        LockSupport.parkNanos(holdSeconds * 1_000_000_000L);
        long[] m1 = mark(in, out);
        long tok1 = s.stats().tokensEmitted();
        long cpu1 = os.getProcessCpuTime();
        long[] us1 = userSys();
        double secs = (m1[1] - m0[1]) / 1e9;
        Histogram lag = s.stats().schedulingLag();
        Histogram emit = s.stats().tokenWriteLag();
        System.out.printf(Locale.ROOT, "%8d %6d %9d %10.0f %10.0f | %8.0f %8.0f %8.0f | %8.0f %8.0f %8.0f | %5.0f%% %6d%n",
            streams, m1[2], s.stats().inFlight(), (tok1 - tok0) / secs, (m1[0] - m0[0]) / secs,
            lag.getValueAtPercentile(50) / 1e3, lag.getValueAtPercentile(99) / 1e3, lag.getMaxValue() / 1e3,
            emit.getValueAtPercentile(50) / 1e3, emit.getValueAtPercentile(99) / 1e3, emit.getMaxValue() / 1e3,
            100.0 * (cpu1 - cpu0) / (secs * 1e9), m1[3]);
        long tokens = tok1 - tok0;
        if (us1 != null && tokens > 0) {
          System.out.printf(Locale.ROOT, "#   simulator CPU per token event: %.2f µs user + %.2f µs kernel%n",
              (us1[0] - us0[0]) * 1e4 / tokens, (us1[1] - us0[1]) * 1e4 / tokens);
        }
      } finally {
        client.destroy();
        client.waitFor();
      }
    }
  }

  /** This process's user and kernel CPU time in clock ticks (1/100 s) from /proc, or null. */
  private static long[] userSys() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static long[] mark(Writer in, BufferedReader out) throws IOException {
    in.write("mark\n");
    in.flush();
    String line = out.readLine();
    if (line == null || !line.startsWith("mark ")) throw new IllegalStateException("client said: " + line);
    String[] f = line.split(" ");
    return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Long.parseLong(f[4])};
  }
}
