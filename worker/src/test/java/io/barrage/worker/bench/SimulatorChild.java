package io.barrage.worker.bench;

import io.barrage.simulator.Profile;
import io.barrage.simulator.Profiles;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The accuracy benchmark's target: one {@link SimulatorServer} in its own JVM (pinned to a core by
 * the parent through {@code taskset}), writing its ground truth to a JSON Lines file, so that the
 * simulator's request handling does not compete with the load engine for the engine's core.
 *
 * <p>Child side ({@link #main}): {@code SimulatorChild TIME_SCALE TRUTH_FILE [full|mixed]}. Prints {@code URL
 * <baseUrl>} once listening, then answers one command per stdin line: {@code now} prints {@code NOW
 * <System.nanoTime()>} (the parent's clock check), {@code reset} forgets the scheduling lag recorded
 * so far (the end of the warmup), {@code gc} prints {@code GC <collector=count/ms;...>}, {@code collect} runs {@code System.gc()} and prints {@code COLLECTED}. On stdin EOF (the parent closed it or died) or SIGTERM it closes the
 * server, which flushes and closes the truth log, prints {@code CLOSED} and exits.
 *
 * <p>Parent side: {@link #start} and the returned handle.
 */
public final class SimulatorChild implements AutoCloseable {
  private final Process process;
  private final BufferedReader out;
  private final Writer in;
  private final String url;

  private SimulatorChild(Process process, BufferedReader out, Writer in, String url) {
    this.process = process;
    this.out = out;
    this.in = in;
    this.url = url;
  }

  /**
   * The benchmark's profile: {@code tgi-fast} slowed by {@code timeScale}, with its admission limits
   * lifted so that 1,000 closed-loop streams are all admitted (tgi-fast caps at 128 concurrent
   * requests and a batch of 10,000 tokens, which would turn the benchmark into a 429 / queueing test).
   */
  static Profile profile(double timeScale, boolean mixedLengths) {
    Profile p = Profiles.get(Profiles.TGI_FAST)
        .withLimits(new Profile.Limits(20_000, 4095, 4096, 100_000_000, 1_000_000, 20_000))
        .withTimeScale(timeScale);
    return mixedLengths ? p.withOutput(MIXED) : p;
  }

  /**
   * A variant output model: of every 4 requests (by arrival) one ends with EOS after 9 tokens, so
   * closed-loop streams drift apart instead of ending in the same decode step.
   */
  static final Profile.OutputModel MIXED = new Profile.OutputModel(4, 1, 9, 100);

  public static void main(String[] args) throws Exception {
    double scale = Double.parseDouble(args[0]);
    Path truthFile = Path.of(args[1]);
    boolean mixed = args.length > 2 && args[2].equals("mixed");
    PrintStream stdout = System.out;
    // as `barrage simulate --io-priority realtime` runs: a real-time engine thread and real-time event
    // loops where permitted (BENCH_SERVER_RT=0: ordinary engine thread; BENCH_IO_RT=0: ordinary
    // loops, whose nice value BENCH_SERVER_IO_NICE then sets)
    boolean realtimeIo = AccuracyBench.realtimeIo();
    SimulatorConfig config = SimulatorConfig.loopback(profile(scale, mixed)).withTruthLog(truthFile)
        .withRealtimeClock(!"0".equals(System.getenv().getOrDefault("BENCH_SERVER_RT", "1")));
    config = realtimeIo ? config.withRealtimeIo(true) : config.withIoNice(Integer.parseInt(System.getenv().getOrDefault("BENCH_SERVER_IO_NICE", "0")));
    String tlsDir = System.getenv("BENCH_TLS_DIR");
    SimulatorServer sim = SimulatorServer.start(config,
        tlsDir == null || tlsDir.isBlank() ? null : io.barrage.simulator.tls.ServerTls.selfSigned(Path.of(tlsDir)));
    AccuracyBench.stallWatchdog("simulator", "sim-");
    AtomicBoolean closed = new AtomicBoolean();
    Runnable stop = () -> {
      if (closed.compareAndSet(false, true)) {
        sim.close();
        stdout.println("CLOSED");
        stdout.flush();
      }
    };
    Runtime.getRuntime().addShutdownHook(new Thread(stop, "simulator-child-stop"));
    stdout.println("URL " + sim.baseUrl());
    stdout.flush();
    BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
    String line;
    while ((line = r.readLine()) != null) {
      switch (line.trim()) {
        case "now" -> stdout.println("NOW " + System.nanoTime());
        case "reset" -> {
          sim.stats().resetSchedulingLag();
          stdout.println("RESET");
        }
        case "gc" -> stdout.println("GC " + AccuracyBench.gcCounters());
        case "collect" -> {
          System.gc();
          stdout.println("COLLECTED");
        }
        default -> stdout.println("ERR unknown command " + line);
      }
      stdout.flush();
    }
    stop.run();
    System.exit(0);
  }

  /** Starts the child JVM, pinned to {@code cpu} through taskset when given, and waits until it listens. */
  static SimulatorChild start(String cpu, double timeScale, boolean mixedLengths, Path truthFile) throws IOException {
    return start(cpu, timeScale, mixedLengths, truthFile, null);
  }

  /**
   * @param tlsDir serve https with a self-signed certificate generated into this directory (its
   *     {@code cert.pem} is there once the child has printed its URL); null = plain http
   */
  static SimulatorChild start(String cpu, double timeScale, boolean mixedLengths, Path truthFile, Path tlsDir) throws IOException {
    List<String> cmd = new ArrayList<>();
    if (cpu != null && !cpu.isBlank()) cmd.addAll(List.of("taskset", "-c", cpu));
    cmd.add(System.getProperty("java.home") + "/bin/java");
    cmd.add("-Xmx1g");
    // the same JIT as ours: with real-time loops a C2 compiler thread that holds the compile
    // queue's lock can stall the loop (see AccuracyBench), so a C1-only parent means a C1-only child
    for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("-XX:TieredStopAtLevel=")) cmd.add(a);
    }
    String opts = System.getenv().getOrDefault("BENCH_SERVER_JAVA_OPTS", "");
    if (!opts.isBlank()) cmd.addAll(List.of(opts.trim().split("\\s+")));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(SimulatorChild.class.getName());
    cmd.add(Double.toString(timeScale));
    cmd.add(truthFile.toString());
    cmd.add(mixedLengths ? "mixed" : "full");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
    if (tlsDir != null) pb.environment().put("BENCH_TLS_DIR", tlsDir.toString());
    else pb.environment().remove("BENCH_TLS_DIR");
    Process p = pb.start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
    Writer in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.US_ASCII);
    String line = nextLine(out, "URL ");
    if (line == null) {
      p.destroyForcibly();
      throw new IOException("simulator child did not start");
    }
    return new SimulatorChild(p, out, in, line.substring(4).trim());
  }

  String url() {
    return url;
  }

  /** CPU time the child has used so far, in nanoseconds (-1 when the OS does not say). */
  long cpuNanos() {
    return process.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
  }

  /** The next stdout line starting with {@code prefix}, skipping anything else (stray output); null at EOF. */
  private static String nextLine(BufferedReader out, String prefix) throws IOException {
    String line;
    while ((line = out.readLine()) != null && !line.startsWith(prefix)) {
      // not ours
    }
    return line;
  }

  long pid() {
    return process.pid();
  }

  private String command(String c, String replyPrefix) throws IOException {
    in.write(c);
    in.write('\n');
    in.flush();
    String reply = nextLine(out, replyPrefix);
    if (reply == null) throw new IOException("simulator child gone");
    return reply;
  }

  /** The child's {@code System.nanoTime()}, read between two readings of ours. */
  long[] clockSample() throws IOException {
    long before = System.nanoTime();
    String reply = command("now", "NOW ");
    long after = System.nanoTime();
    return new long[] {before, Long.parseLong(reply.substring(4).trim()), after};
  }

  /** The child's garbage collectors' cumulative counts and times, as {@link AccuracyBench#gcCounters()} formats them. */
  String gcCounters() throws IOException {
    return command("gc", "GC ").substring(3).trim();
  }

  /** Runs a full collection in the child (the end of the warmup: start-up garbage promoted, so that the young collections in the window stay short). */
  void collect() throws IOException {
    command("collect", "COLLECTED");
  }

  void resetSchedulingLag() throws IOException {
    command("reset", "RESET");
  }

  /** Closes the child's stdin and waits until it has closed the server (and so the truth log). */
  @Override
  public void close() {
    try {
      in.close();
      nextLine(out, "CLOSED");
      if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly();
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
