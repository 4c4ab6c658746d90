package io.barrage.simulator.bench;

import io.barrage.simulator.Profile;
import io.barrage.simulator.Profiles;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import io.barrage.simulator.TruthLog;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * How much heap the ground truth holds after N requests that carry an id: kept in memory
 * (what {@link SimulatorConfig#loopback} does) against streamed to a file (what
 * {@code barrage simulate --truth-log} does). Sends {@code /generate} requests of 64 tokens over 4
 * keep-alive connections to {@code tgi-fast} at time scale 50, and compares the heap after GC
 * before and after (after a warm-up of 2,000 requests).
 *
 * <pre>
 *   scripts/bench simulator io.barrage.simulator.bench.TruthLogMemoryBench [requests]   (default 20000)
 * </pre>
 */
public final class TruthLogMemoryBench {
  private static final String BODY = "{\"inputs\":\"hello there\",\"parameters\":{\"max_new_tokens\":64}}";

  private TruthLogMemoryBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    System.out.println("mode | requests | recorded | records in memory | heap growth MB | bytes per request");
    for (boolean file : new boolean[] {false, true}) run(n, file);
  }

  private static void run(int n, boolean toFile) throws Exception {
    Profile p = Profiles.get(Profiles.TGI_FAST).withTimeScale(50);
    Path file = Files.createTempFile("truth", ".jsonl");
    SimulatorConfig config = toFile ? SimulatorConfig.loopback(p).withTruthLog(file) : SimulatorConfig.loopback(p);
    try (SimulatorServer s = SimulatorServer.start(config)) {
      load(s.port(), 0, 2_000);
      s.truth().clear();
      long before = heapAfterGc();
      load(s.port(), 2_000, n);
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (s.truth().recorded() < n && System.nanoTime() < deadline) Thread.onSpinWait();
      long growth = heapAfterGc() - before;
      System.out.printf(Locale.ROOT, "%s | %d | %d | %d | %.1f | %.0f%n", toFile ? "file" : "memory", n, s.truth().recorded(),
          s.truth().retained(), growth / 1e6, growth / (double) n);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static long heapAfterGc() {
    for (int i = 0; i < 3; i++) System.gc();
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }

  /** Sends requests {@code first .. first + n - 1} over 4 keep-alive connections, one at a time on each. */
  private static void load(int port, int first, int n) throws Exception {
    int connections = 4;
    ExecutorService pool = Executors.newFixedThreadPool(connections);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < connections; c++) {
        int start = c;
        done.add(pool.submit(() -> connection(port, first, start, n, connections)));
      }
      for (Future<?> f : done) f.get();
    } finally {
      pool.shutdown();
    }
  }

  private static Void connection(int port, int first, int start, int n, int step) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      OutputStream out = s.getOutputStream();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
      for (int i = start; i < n; i += step) {
        String req = "POST /generate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + TruthLog.REQUEST_ID_HEADER
            + ": r-" + (first + i) + "\r\nContent-Length: " + BODY.length() + "\r\n\r\n" + BODY;
        out.write(req.getBytes(StandardCharsets.ISO_8859_1));
        int length = 0;
        String line;
        while (!(line = in.readLine()).isEmpty()) {
          if (line.regionMatches(true, 0, "content-length:", 0, 15)) length = Integer.parseInt(line.substring(15).trim());
        }
        char[] body = new char[length];
        for (int got = 0; got < length; ) got += in.read(body, got, length - got);
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
