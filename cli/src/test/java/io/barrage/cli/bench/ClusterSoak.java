package io.barrage.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.barrage.cli.BarrageMain;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Soak of the local cluster: the simulator, a coordinator ({@code barrage coordinator --scenario})
 * and two workers, each its own JVM on loopback with mutual TLS on the cluster port, run a
 * closed-loop scenario for a given duration. Every {@code --sample} it records each process's
 * resident set size ({@code /proc/PID/status} VmRSS) and its live heap: the heap after a full
 * collection asked for with {@code jcmd PID GC.run}, read from the JVM's own GC log
 * ({@code -Xlog:gc}); and the simulator's answered requests so far (its truth log). At the end it checks the run against the truth log (every request the simulator
 * answered is counted ok, tokens equal) and that every worker interval arrived (the points of
 * {@code timeline.json} tile each cell per worker, no gap between consecutive intervals), and writes
 * the table to {@code OUT/soak.md}.
 *
 * <pre>
 * scripts/soak --duration 35m --concurrency 8 --out /tmp/soak     (see the script for the options)
 * </pre>
 *
 * Exit code 0 when every check held, 1 otherwise. Child processes are stopped on exit; the workers
 * also exit by themselves when this process disappears.
 */
public final class ClusterSoak {
  private static final Pattern GC_LINE = Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");
  private static final Pattern TLS_DIR = Pattern.compile("--cluster-tls-dir (\\S+)");

  /** One child JVM: its process, its name in the table, its GC log. */
  private record Node(String name, Process process, Path gcLog, Path log) {}

  /** One row of the table. */
  private record Sample(Duration at, Map<String, long[]> rssAndHeapKb, long answered, long answeredOk) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = options(args);
    Duration duration = parse(opt.getOrDefault("--duration", "30m"));
    Duration cell = parse(opt.getOrDefault("--cell", "5m"));
    Duration every = parse(opt.getOrDefault("--sample", "30s"));
    int concurrency = Integer.parseInt(opt.getOrDefault("--concurrency", "8"));
    String profile = opt.getOrDefault("--profile", "tgi-fast");
    int maxNewTokens = Integer.parseInt(opt.getOrDefault("--max-new-tokens", "64"));
    String heap = opt.getOrDefault("--xmx", "512m");
    String timeScale = opt.getOrDefault("--time-scale", "0.1");
    Path out = Path.of(opt.getOrDefault("--out", "soak-" + System.currentTimeMillis())).toAbsolutePath();
    if (Files.exists(out.resolve("soak.md"))) throw new IllegalArgumentException(out + " already holds a soak; pick another --out");
    Files.createDirectories(out);
    int repeat = (int) Math.max(1, (duration.toSeconds() + cell.toSeconds() - 1) / cell.toSeconds());
    if (repeat > 100) throw new IllegalArgumentException("--duration / --cell must be at most 100 cells (scenario repeat limit), is " + repeat);

    List<Node> nodes = new ArrayList<>();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> nodes.forEach(n -> n.process().destroyForcibly()), "soak-stop"));
    int simPort = freePort();
    int clusterPort = freePort();
    Path truth = out.resolve("truth.jsonl");
    Node sim = start(out, "simulator", heap, List.of("simulate", "--profile", profile, "--port", Integer.toString(simPort), "--truth-log", truth.toString(),
        "--time-scale", timeScale));
    nodes.add(sim);
    Path scenario = out.resolve("soak.yaml");
    Files.writeString(scenario, """
        name: soak
        targets:
          - {name: sim, api: tgi-stream, url: "http://127.0.0.1:%d"}
        workload:
          prompt: {text: "What is deep learning?"}
          maxNewTokens: [%d]
          load: {concurrency: [%d]}
          step: {duration: %ds, warmup: 0s}
        repeat: %d
        failOn: {slo: false, saturation: false, errors: false}
        """.formatted(simPort, maxNewTokens, concurrency, cell.toSeconds(), repeat));
    awaitPort(simPort, Duration.ofSeconds(60), sim);
    Node coordinator = start(out, "coordinator", heap, List.of("coordinator", "--scenario", scenario.toString(), "--port", Integer.toString(clusterPort),
        "--http-port", "-1", "--min-workers", "2", "--out", out.resolve("results").toString()));
    nodes.add(coordinator);
    String tlsDir = awaitLine(coordinator, TLS_DIR, Duration.ofSeconds(60));
    for (int i = 0; i < 2; i++) {
      nodes.add(start(out, "worker-" + i, heap, List.of("worker", "--join", "127.0.0.1:" + clusterPort, "--port", "0",
          "--cluster-tls-dir", tlsDir, "--exit-with-parent", Long.toString(ProcessHandle.current().pid()))));
    }
    System.out.printf(Locale.ROOT, "soak: %d cells of %s at concurrency %d on %s, sampling every %s, in %s%n", repeat, cell, concurrency, profile, every, out);

    List<Sample> samples = new ArrayList<>();
    TruthCounter answered = new TruthCounter(truth);
    Instant startedAt = Instant.now();
    long t0 = System.nanoTime();
    long next = t0;
    while (coordinator.process().isAlive()) {
      if (System.nanoTime() >= next) {
        answered.advance();
        Map<String, long[]> row = new LinkedHashMap<>();
        for (Node n : nodes) {
          // a full collection first: what is left is the live set, not young garbage or old
          // garbage G1 has not yet had reason to collect
          fullGc(n.process().pid());
          row.put(n.name(), new long[] {rssKb(n.process().pid()), heapAfterGcKb(n.gcLog())});
        }
        Sample s = new Sample(Duration.ofNanos(System.nanoTime() - t0), row, answered.lines, answered.ok);
        samples.add(s);
        System.out.println(format(s));
        next += every.toNanos();
      }
      // wait for the coordinator's end or the next sample, whichever comes first
      coordinator.process().waitFor(Math.max(1, next - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
    int code = coordinator.process().exitValue();
    for (Node n : nodes) if (n != coordinator && n != sim) n.process().destroy();
    for (Node n : nodes) if (n != coordinator && n != sim) n.process().waitFor(30, TimeUnit.SECONDS);
    sim.process().destroy();
    sim.process().waitFor(30, TimeUnit.SECONDS);
    answered.advance();

    List<String> checks = new ArrayList<>();
    boolean ok = check(out, code, answered, checks);
    StringBuilder md = new StringBuilder();
    md.append("Command: `scripts/soak ").append(String.join(" ", args)).append("`\n\n");
    md.append("Machine: ").append(Runtime.getRuntime().availableProcessors()).append(" CPUs, ").append(System.getProperty("os.name")).append(' ')
        .append(System.getProperty("os.version")).append(", Java ").append(System.getProperty("java.version")).append(".\n\n");
    md.append("Started ").append(startedAt).append(", ").append(repeat).append(" cells of ").append(cell.toSeconds())
        .append(" s, concurrency ").append(concurrency).append(", ").append(profile).append(" at time scale ").append(timeScale).append(", maxNewTokens ").append(maxNewTokens).append(", -Xmx").append(heap)
        .append(" per JVM.\n\n");
    md.append(header(nodes)).append('\n');
    for (Sample s : samples) md.append(format(s)).append('\n');
    md.append('\n');
    for (String c : checks) md.append("- ").append(c).append('\n');
    Files.writeString(out.resolve("soak.md"), md.toString());
    System.out.println();
    System.out.print(md);
    System.exit(ok ? 0 : 1);
  }

  /** The end-of-run checks against the truth log and the timeline; each appends a line. */
  private static boolean check(Path out, int code, TruthCounter truth, List<String> lines) throws IOException {
    boolean ok = true;
    lines.add("coordinator exit code " + code + (code == 0 ? "" : " (expected 0)"));
    ok &= code == 0;
    Path runDir;
    try (Stream<Path> s = Files.walk(out.resolve("results"), 2)) {
      runDir = s.filter(p -> p.getFileName().toString().equals("summary.json")).findFirst().orElseThrow(() -> new IllegalStateException("no summary.json")).getParent();
    }
    ObjectMapper json = new ObjectMapper();
    JsonNode summary = json.readTree(runDir.resolve("summary.json").toFile());
    long sumOk = 0, sumTokens = 0, errors = 0, incomplete = 0, warm = 0;
    for (JsonNode c : summary.path("targets").get(0).path("cells")) {
      sumOk += c.path("requests").path("ok").asLong();
      errors += c.path("requests").path("errorTotal").asLong();
      incomplete += c.path("requests").path("incomplete").asLong();
      warm += c.path("requests").path("warmupExcluded").asLong();
      sumTokens += c.path("outputTokens").asLong();
    }
    lines.add("outcome " + summary.path("run").path("outcome").asText());
    boolean counts = sumOk == truth.ok && sumTokens == truth.okTokens && errors == 0 && warm == 0;
    lines.add(String.format(Locale.ROOT, "counts: summary ok %,d / truth log ok %,d (of %,d answered); tokens %,d / %,d; errors %d, incomplete %d, warm-up %d%s",
        sumOk, truth.ok, truth.lines, sumTokens, truth.okTokens, errors, incomplete, warm, counts ? "" : " — MISMATCH"));
    ok &= counts;
    // every interval arrived: per cell and worker, consecutive points follow each other without a gap
    JsonNode timeline = json.readTree(runDir.resolve("timeline.json").toFile());
    long points = 0, maxGapMs = 0, pointOk = 0;
    int cellsSeen = 0;
    TreeMap<String, Integer> perWorker = new TreeMap<>();
    for (JsonNode c : timeline.path("cells")) {
      cellsSeen++;
      Map<String, List<long[]>> byWorker = new TreeMap<>();
      for (JsonNode p : c.path("points")) {
        byWorker.computeIfAbsent(p.path("worker").asText(), k -> new ArrayList<>()).add(new long[] {p.path("startEpochMs").asLong(), p.path("endEpochMs").asLong()});
        pointOk += p.path("ok").asLong();
        points++;
      }
      for (Map.Entry<String, List<long[]>> e : byWorker.entrySet()) {
        perWorker.merge(e.getKey(), e.getValue().size(), Integer::sum);
        List<long[]> l = e.getValue();
        l.sort((a, b) -> Long.compare(a[0], b[0]));
        for (int i = 1; i < l.size(); i++) maxGapMs = Math.max(maxGapMs, l.get(i)[0] - l.get(i - 1)[1]);
      }
    }
    boolean tiled = maxGapMs <= 100 && pointOk == sumOk && perWorker.size() == 2;
    lines.add(String.format(Locale.ROOT, "intervals: %,d worker intervals over %d cells (%s), largest gap between a worker's consecutive intervals %d ms, their ok sum %,d%s",
        points, cellsSeen, perWorker, maxGapMs, pointOk, tiled ? "" : " — MISSING INTERVALS"));
    ok &= tiled;
    return ok;
  }

  private static Node start(Path out, String name, String heap, List<String> args) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path gc = out.resolve("gc-" + name + ".log");
    Path log = out.resolve(name + ".log");
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx" + heap, "-Xlog:gc:file=" + gc, "-cp", System.getProperty("java.class.path"), BarrageMain.class.getName()));
    cmd.addAll(args);
    return new Node(name, new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start(), gc, log);
  }

  private static String header(List<Node> nodes) {
    StringBuilder h = new StringBuilder("| min |");
    StringBuilder sep = new StringBuilder("|---:|");
    for (Node n : nodes) {
      h.append(' ').append(n.name()).append(" RSS MB | ").append(n.name()).append(" live heap MB |");
      sep.append("---:|---:|");
    }
    h.append(" answered (ok) |");
    sep.append("---:|");
    return h + "\n" + sep;
  }

  private static String format(Sample s) {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "| %.1f |", s.at().toMillis() / 60_000.0));
    for (long[] v : s.rssAndHeapKb().values()) {
      b.append(String.format(Locale.ROOT, " %.0f | %s |", v[0] / 1024.0, v[1] < 0 ? "–" : String.format(Locale.ROOT, "%.1f", v[1] / 1024.0)));
    }
    return b.append(String.format(Locale.ROOT, " %,d (%,d) |", s.answered(), s.answeredOk())).toString();
  }

  /** {@code jcmd PID GC.run}: a full collection, logged in the process's GC log like any other. */
  static void fullGc(long pid) throws IOException, InterruptedException {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    Process p = new ProcessBuilder(jcmd, Long.toString(pid), "GC.run").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
  }

  /** VmRSS of a process in KiB, -1 once it is gone. */
  static long rssKb(long pid) {
    try {
      for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("[^0-9]", ""));
      }
    } catch (IOException e) {
      return -1;
    }
    return -1;
  }

  /** Heap occupancy after the last collection in a {@code -Xlog:gc} file, in KiB; -1 before the first. */
  static long heapAfterGcKb(Path gcLog) {
    long last = -1;
    try {
      if (!Files.exists(gcLog)) return -1;
      for (String l : Files.readAllLines(gcLog)) {
        Matcher m = GC_LINE.matcher(l);
        if (m.find()) last = kb(Long.parseLong(m.group(3)), m.group(4));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return last;
  }

  private static long kb(long v, String unit) {
    return switch (unit) {
      case "K" -> v;
      case "M" -> v * 1024;
      default -> v * 1024 * 1024;
    };
  }

  /** Reads the truth log as it grows: lines, ok lines and their tokens. */
  private static final class TruthCounter {
    private final Path file;
    private final ObjectMapper json = new ObjectMapper();
    private long offset;
    private final StringBuilder partial = new StringBuilder();
    long lines, ok, okTokens;

    TruthCounter(Path file) {
      this.file = file;
    }

    void advance() throws IOException {
      if (!Files.exists(file)) return;
      try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
        long len = f.length();
        byte[] buf = new byte[1 << 20];
        f.seek(offset);
        while (offset < len) {
          int n = f.read(buf, 0, (int) Math.min(buf.length, len - offset));
          if (n <= 0) break;
          offset += n;
          partial.append(new String(buf, 0, n, StandardCharsets.UTF_8));
          int nl;
          while ((nl = partial.indexOf("\n")) >= 0) {
            String line = partial.substring(0, nl);
            partial.delete(0, nl + 1);
            if (line.isBlank()) continue;
            JsonNode r = json.readTree(line);
            lines++;
            if (r.path("outcome").asText().equals("ok")) {
              ok++;
              okTokens += r.path("tokens").asLong();
            }
          }
        }
      }
    }
  }

  private static String awaitLine(Node n, Pattern p, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(n.log())) {
        Matcher m = p.matcher(Files.readString(n.log()));
        if (m.find()) return m.group(1);
      }
      if (!n.process().isAlive()) throw new IllegalStateException(n.name() + " exited: " + Files.readString(n.log()));
      n.process().waitFor(100, TimeUnit.MILLISECONDS); // poll interval of a bounded wait
    }
    throw new IllegalStateException(n.name() + " did not print " + p + " within " + timeout);
  }

  private static void awaitPort(int port, Duration timeout, Node n) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try (java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (IOException e) {
        if (!n.process().isAlive()) throw new IllegalStateException(n.name() + " exited: " + Files.readString(n.log()));
        n.process().waitFor(100, TimeUnit.MILLISECONDS); // poll interval of a bounded wait
      }
    }
    throw new IllegalStateException(n.name() + " not listening on " + port + " within " + timeout);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static Duration parse(String s) {
    Matcher m = Pattern.compile("(\\d+)(ms|s|m|h)").matcher(s);
    if (!m.matches()) throw new IllegalArgumentException("not a duration (e.g. 30s, 35m): " + s);
    long v = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(v);
      case "s" -> Duration.ofSeconds(v);
      case "m" -> Duration.ofMinutes(v);
      default -> Duration.ofHours(v);
    };
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> m = new LinkedHashMap<>();
    List<String> known = List.of("--duration", "--cell", "--sample", "--concurrency", "--profile", "--time-scale", "--max-new-tokens", "--xmx", "--out");
    for (int i = 0; i < args.length; i += 2) {
      if (!known.contains(args[i]) || i + 1 >= args.length) throw new IllegalArgumentException("usage: ClusterSoak " + String.join(" VALUE ", known) + " VALUE; bad: " + args[i]);
      m.put(args[i], args[i + 1]);
    }
    return m;
  }
}
