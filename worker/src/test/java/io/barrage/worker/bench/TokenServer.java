package io.barrage.worker.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A deliberately cheap HTTP/1.1 server for the engine's benchmarks, meant to run in its own JVM on
 * its own core so that the generator being measured is the bottleneck, not the target. One
 * selector thread, keep-alive. Two modes:
 *
 * <ul>
 *   <li>{@code tiny}: answers every POST at once with a 60-byte JSON body (the wrk comparison);
 *   <li>{@code stream GAP_US TOKENS}: answers with a TGI-native SSE stream of {@code TOKENS} token
 *       events, one every {@code GAP_US} microseconds (the first one GAP_US after the request),
 *       chunked, the last with {@code generated_text} and {@code details.generated_tokens}.
 * </ul>
 *
 * <p>Token events are precomputed chunks (one direct buffer per event index, written with one
 * {@code write} per stream and token: no string building, no copy into a temporary direct buffer),
 * emitted from a timing wheel in batches: every pass of the loop sends everything that is due, and
 * nothing early. Between deadlines closer than a millisecond the loop parks (not spins), so the
 * server's CPU figure is work, not waiting. The server records its own lateness — how long after its scheduled instant each event was written
 * — so that a reader can tell the target's jitter from the generator's.
 *
 * <p>Stream mode runs {@code BENCH_SERVER_THREADS} (default 2) such loops on one port.
 *
 * <p>Prints {@code PORT n} on stdout once listening; exits when stdin closes (its parent died).
 * Commands on stdin, one per line: {@code reset} (starts a new lateness window) and {@code stats}
 * (prints {@code STATS events lateP50us lateP99us lateMaxUs cpuShare sysShare} for the window so far).
 */
public final class TokenServer {
  static final byte[] TINY = "{\"generated_text\":\"ok\",\"details\":{\"generated_tokens\":1}}".getBytes(StandardCharsets.US_ASCII);

  private final boolean stream;
  private final long gapNanos;
  private final int tokens;
  private final Selector selector;
  private final Wheel due;
  private final ArrayList<Conn> batch = new ArrayList<>();
  private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
  /** {@code events[i]}: the chunk of token event i + 1 (the last one closes the body). */
  private final ByteBuffer[] events;
  /** Microseconds between an event's scheduled instant and its write. */
  private static final Recorder lateness = new Recorder(3);
  private static volatile long windowCpuStart = cpuNanos();
  private static volatile long[] windowTicksStart = CapacityBench.cpuTicks();
  private static volatile long windowWallStart = System.nanoTime();
  private final byte[] tinyResponse;
  private final byte[] streamHead = ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
      + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

  private final class Conn {
    final SocketChannel ch;
    final SelectionKey key;
    byte[] req = new byte[4096];
    int reqLen;
    int sent; // tokens sent in the current response, -1 when idle
    long nextAt;
    ByteBuffer pending;

    Conn(SocketChannel ch, SelectionKey key) {
      this.ch = ch;
      this.key = key;
      this.sent = -1;
    }
  }

  TokenServer(boolean stream, long gapNanos, int tokens) throws IOException {
    this.stream = stream;
    this.gapNanos = gapNanos;
    this.tokens = tokens;
    this.selector = Selector.open();
    this.due = new Wheel(gapNanos);
    this.events = new ByteBuffer[Math.max(0, tokens)];
    for (int i = 1; i <= tokens; i++) events[i - 1] = direct(chunk(i, tokens));
    this.tinyResponse = concat(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + TINY.length + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII), TINY);
  }

  public static void main(String[] args) throws Exception {
    boolean stream = args.length > 0 && args[0].equals("stream");
    long gapUs = stream ? Long.parseLong(args[1]) : 0;
    int tokens = stream ? Integer.parseInt(args[2]) : 1;
    // stream mode: several loops, each with its own listening socket on the same port (SO_REUSEPORT,
    // the kernel spreads the connections), all on the server's one core: more threads do not add a
    // core, but on a core shared with other work they keep the server's share of it
    int threads = stream ? Integer.parseInt(System.getenv().getOrDefault("BENCH_SERVER_THREADS", "2")) : 1;
    int port = 0;
    List<Thread> loops = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      TokenServer s = new TokenServer(stream, TimeUnit.MICROSECONDS.toNanos(gapUs), tokens);
      ServerSocketChannel server = ServerSocketChannel.open();
      if (threads > 1) server.setOption(StandardSocketOptions.SO_REUSEPORT, true);
      server.bind(new InetSocketAddress("127.0.0.1", port), 8192);
      port = ((InetSocketAddress) server.getLocalAddress()).getPort();
      server.configureBlocking(false);
      server.register(s.selector, SelectionKey.OP_ACCEPT);
      Thread loop = new Thread(() -> {
        try {
          s.loop(server);
        } catch (IOException e) {
          e.printStackTrace();
          System.exit(1);
        }
      }, "token-server-" + t);
      loop.setDaemon(true);
      loops.add(loop);
    }
    loops.forEach(Thread::start);
    System.out.println("PORT " + port);
    System.out.flush();
    // commands from the parent; it closes our stdin by dying: follow it
    try {
      BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
      String line;
      while ((line = r.readLine()) != null) command(line.trim());
    } catch (IOException ignored) {
      // parent gone
    }
    System.exit(0);
  }

  private void loop(ServerSocketChannel server) throws IOException {
    while (true) {
      long next = due.nextDue();
      long wait = next - System.nanoTime();
      int ready;
      if (next == Long.MAX_VALUE) ready = selector.select(100);
      else if (wait >= 1_000_000L) ready = selector.select(wait / 1_000_000L);
      else ready = selector.selectNow();
      for (SelectionKey k : selector.selectedKeys()) {
        if (!k.isValid()) continue;
        if (k.isAcceptable()) accept(server);
        else if (k.isReadable() || k.isWritable()) onReady((Conn) k.attachment(), k);
      }
      selector.selectedKeys().clear();
      if (ready == 0 && wait > 0 && wait < 1_000_000L) LockSupport.parkNanos(Math.min(wait, 100_000L));
      long now = System.nanoTime();
      due.takeDue(now, batch);
      for (int i = 0; i < batch.size(); i++) emit(batch.get(i), now);
      batch.clear();
    }
  }

  /**
   * Emission deadlines in a timing wheel of 50 µs slots: O(1) per event, where a priority queue of
   * 10,000 connections spent a third of the server's time in cache misses. A slot gives up only the
   * connections that are due, so nothing is sent early. Closed connections are dropped when their
   * slot comes (emit skips them). The ring spans twice the gap, so a deadline (at most one gap ahead)
   * never shares a slot with an earlier one unless the loop fell behind by more than a gap.
   */
  private static final class Wheel {
    private static final long SLOT_NANOS = 50_000L;
    private final Conn[][] slots;
    private final int[] sizes;
    private final int mask;
    private long cursor = Math.floorDiv(System.nanoTime(), SLOT_NANOS); // the first slot not yet emptied
    private int count;

    Wheel(long gapNanos) {
      long want = Math.min(1 << 20, 2 * (gapNanos / SLOT_NANOS) + 64);
      int n = Integer.highestOneBit((int) want - 1) << 1;
      slots = new Conn[n][];
      sizes = new int[n];
      mask = n - 1;
      for (int i = 0; i < n; i++) slots[i] = new Conn[4];
    }

    void add(Conn c) {
      long idx = Math.max(Math.floorDiv(c.nextAt, SLOT_NANOS), cursor);
      int s = (int) (idx & mask);
      if (sizes[s] == slots[s].length) slots[s] = java.util.Arrays.copyOf(slots[s], sizes[s] * 2);
      slots[s][sizes[s]++] = c;
      count++;
    }

    /** Moves every connection due at {@code now} into {@code out}, earliest slots first. */
    void takeDue(long now, List<Conn> out) {
      long nowIdx = Math.floorDiv(now, SLOT_NANOS);
      while (count > 0 && cursor <= nowIdx) {
        int s = (int) (cursor & mask);
        Conn[] a = slots[s];
        int n = sizes[s];
        int kept = 0;
        for (int i = 0; i < n; i++) {
          Conn c = a[i];
          if (c.nextAt <= now) out.add(c);
          else a[kept++] = c;
        }
        java.util.Arrays.fill(a, kept, n, null);
        sizes[s] = kept;
        count -= n - kept;
        if (cursor == nowIdx) return; // the current slot may still hold later deadlines
        cursor++;
      }
      if (cursor < nowIdx) cursor = nowIdx; // nothing pending: jump ahead
    }

    /** The earliest deadline, or {@code Long.MAX_VALUE} when nothing is pending. */
    long nextDue() {
      if (count == 0) return Long.MAX_VALUE;
      for (int k = 0; k <= mask; k++) {
        int s = (int) ((cursor + k) & mask);
        int n = sizes[s];
        if (n == 0) continue;
        long min = Long.MAX_VALUE;
        for (int i = 0; i < n; i++) min = Math.min(min, slots[s][i].nextAt);
        return min;
      }
      return Long.MAX_VALUE;
    }
  }

  private void accept(ServerSocketChannel server) throws IOException {
    SocketChannel ch;
    while ((ch = server.accept()) != null) {
      ch.configureBlocking(false);
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      SelectionKey key = ch.register(selector, SelectionKey.OP_READ);
      key.attach(new Conn(ch, key));
    }
  }

  private void onReady(Conn c, SelectionKey k) {
    try {
      if (k.isWritable() && c.pending != null) {
        c.ch.write(c.pending);
        if (!c.pending.hasRemaining()) {
          c.pending = null;
          k.interestOps(SelectionKey.OP_READ);
        }
      }
      if (!k.isReadable()) return;
      in.clear();
      int n = c.ch.read(in);
      if (n < 0) {
        close(c);
        return;
      }
      if (c.reqLen + n > c.req.length) c.req = java.util.Arrays.copyOf(c.req, Math.max(c.req.length * 2, c.reqLen + n));
      System.arraycopy(in.array(), 0, c.req, c.reqLen, n);
      c.reqLen += n;
      int end = requestEnd(c.req, c.reqLen);
      if (end < 0) return;
      // one request at a time (the engine does not pipeline): drop it and answer
      System.arraycopy(c.req, end, c.req, 0, c.reqLen - end);
      c.reqLen -= end;
      if (!stream) {
        write(c, tinyResponse);
      } else {
        write(c, streamHead);
        c.sent = 0;
        c.nextAt = System.nanoTime() + gapNanos;
        due.add(c);
      }
    } catch (IOException e) {
      close(c);
    }
  }

  private void emit(Conn c, long now) {
    if (!c.key.isValid()) return;
    c.sent++;
    boolean last = c.sent >= tokens;
    ByteBuffer chunk = events[c.sent - 1];
    chunk.clear();
    long at = System.nanoTime();
    lateness.recordValue(Math.max(0, (at - c.nextAt) / 1000));
    try {
      if (c.pending == null) c.ch.write(chunk);
      if (chunk.hasRemaining()) { // still flushing or socket buffer full: queue (the rest) behind
        byte[] rest = new byte[chunk.remaining()];
        chunk.get(rest);
        queue(c, rest);
      }
    } catch (IOException ex) {
      close(c);
      return;
    }
    if (last) {
      c.sent = -1;
    } else {
      c.nextAt += gapNanos; // a fixed schedule: a late emission does not push the later ones back
      if (c.nextAt < now - 100 * gapNanos) c.nextAt = now; // hopelessly behind: do not burst
      due.add(c);
    }
  }

  /** The SSE chunk of token event {@code index} (1-based) of {@code tokens}, chunked framing included. */
  static byte[] chunk(int index, int tokens) {
    boolean last = index >= tokens;
    String event = last
        ? "data:{\"index\":" + index + ",\"token\":{\"id\":2,\"text\":\"</s>\",\"logprob\":-0.1,\"special\":true},"
            + "\"generated_text\":\"x\",\"details\":{\"finish_reason\":\"length\",\"generated_tokens\":" + tokens + ",\"seed\":null}}\n\n"
        : "data:{\"index\":" + index + ",\"token\":{\"id\":17,\"text\":\" tok\",\"logprob\":-0.1,\"special\":false},"
            + "\"generated_text\":null,\"details\":null}\n\n";
    byte[] e = event.getBytes(StandardCharsets.US_ASCII);
    return concat((Integer.toHexString(e.length) + "\r\n").getBytes(StandardCharsets.US_ASCII), e,
        (last ? "\r\n0\r\n\r\n" : "\r\n").getBytes(StandardCharsets.US_ASCII));
  }

  private static ByteBuffer direct(byte[] b) {
    ByteBuffer d = ByteBuffer.allocateDirect(b.length);
    d.put(b).flip();
    return d;
  }

  private static void command(String cmd) {
    switch (cmd) {
      case "reset" -> {
        lateness.reset();
        windowCpuStart = cpuNanos();
        windowTicksStart = CapacityBench.cpuTicks();
        windowWallStart = System.nanoTime();
      }
      case "stats" -> {
        Histogram h = lateness.getIntervalHistogram();
        double cpu = (cpuNanos() - windowCpuStart) / (double) Math.max(1, System.nanoTime() - windowWallStart);
        long[] t0 = windowTicksStart, t1 = CapacityBench.cpuTicks();
        long ticks = t1[0] + t1[1] - t0[0] - t0[1];
        double sys = ticks == 0 ? 0 : cpu * (t1[1] - t0[1]) / ticks;
        System.out.printf(java.util.Locale.ROOT, "STATS %d %d %d %d %.3f %.3f%n", h.getTotalCount(), h.getValueAtPercentile(50),
            h.getValueAtPercentile(99), h.getMaxValue(), cpu, sys);
        System.out.flush();
      }
      default -> { } // unknown: ignore
    }
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private void write(Conn c, byte[] bytes) throws IOException {
    if (c.pending != null) { // still flushing: queue behind
      queue(c, bytes);
      return;
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    c.ch.write(b);
    if (b.hasRemaining()) {
      c.pending = b;
      c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
    }
  }

  private void queue(Conn c, byte[] bytes) {
    if (c.pending == null) {
      c.pending = ByteBuffer.wrap(bytes);
      c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
      return;
    }
    ByteBuffer b = ByteBuffer.allocate(c.pending.remaining() + bytes.length);
    b.put(c.pending).put(bytes).flip();
    c.pending = b;
  }

  private void close(Conn c) {
    c.key.cancel(); // a pending deadline is dropped when its slot comes
    try {
      c.ch.close();
    } catch (IOException ignored) {
      // gone
    }
  }

  /** End of the first complete request (headers + Content-Length body), or −1. */
  static int requestEnd(byte[] b, int len) {
    for (int i = 3; i < len; i++) {
      if (b[i] == '\n' && b[i - 1] == '\r' && b[i - 2] == '\n' && b[i - 3] == '\r') {
        String head = new String(b, 0, i, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
        int cl = head.indexOf("content-length:");
        int body = 0;
        if (cl >= 0) {
          int eol = head.indexOf('\r', cl);
          body = Integer.parseInt(head.substring(cl + 15, eol).trim());
        }
        return i + 1 + body <= len ? i + 1 + body : -1;
      }
    }
    return -1;
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) n += p.length;
    byte[] out = new byte[n];
    int o = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, o, p.length);
      o += p.length;
    }
    return out;
  }

  /** Starts a TokenServer JVM pinned to {@code cpu} (via taskset when given) and returns it with its port. */
  static Child start(String cpu, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    if (cpu != null && !cpu.isBlank()) {
      cmd.add("taskset");
      cmd.add("-c");
      cmd.add(cpu);
    }
    cmd.add(System.getProperty("java.home") + "/bin/java");
    cmd.add("-Xmx512m");
    String opts = System.getenv("BENCH_SERVER_JAVA_OPTS"); // e.g. a flight recording of the server
    if (opts != null && !opts.isBlank()) cmd.addAll(List.of(opts.trim().split("\\s+")));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(TokenServer.class.getName());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
    String line = r.readLine();
    while (line != null && line.startsWith("[")) line = r.readLine(); // JVM log lines (e.g. a flight recording starting)
    if (line == null || !line.startsWith("PORT ")) {
      p.destroyForcibly();
      throw new IOException("token server did not start: " + line);
    }
    return new Child(p, Integer.parseInt(line.substring(5).trim()), r);
  }

  /** The server's own lateness over a window: events written, µs late p50 / p99 / max, CPU share of its core. */
  record Lateness(long events, long p50Us, long p99Us, long maxUs, double cpu, double sys) {}

  record Child(Process process, int port, BufferedReader out) implements AutoCloseable {
    String url() {
      return "http://127.0.0.1:" + port;
    }

    /** Starts a new lateness window. */
    void resetLateness() throws IOException {
      command("reset");
    }

    /** Lateness since the last reset. */
    Lateness lateness() throws IOException {
      command("stats");
      String line = out.readLine();
      if (line == null || !line.startsWith("STATS ")) throw new IOException("token server gave no stats: " + line);
      String[] f = line.substring(6).trim().split(" ");
      return new Lateness(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), Double.parseDouble(f[4]),
          Double.parseDouble(f[5]));
    }

    private void command(String c) throws IOException {
      var in = process.getOutputStream();
      in.write((c + "\n").getBytes(StandardCharsets.US_ASCII));
      in.flush();
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
