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
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

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
 * <p>Prints {@code PORT n} on stdout once listening; exits when stdin closes (its parent died).
 */
public final class TokenServer {
  static final byte[] TINY = "{\"generated_text\":\"ok\",\"details\":{\"generated_tokens\":1}}".getBytes(StandardCharsets.US_ASCII);

  private final boolean stream;
  private final long gapNanos;
  private final int tokens;
  private final Selector selector;
  private final PriorityQueue<Conn> due = new PriorityQueue<>((a, b) -> Long.compare(a.nextAt, b.nextAt));
  private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
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
    this.tinyResponse = concat(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + TINY.length + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII), TINY);
  }

  public static void main(String[] args) throws Exception {
    boolean stream = args.length > 0 && args[0].equals("stream");
    long gapUs = stream ? Long.parseLong(args[1]) : 0;
    int tokens = stream ? Integer.parseInt(args[2]) : 1;
    TokenServer s = new TokenServer(stream, TimeUnit.MICROSECONDS.toNanos(gapUs), tokens);
    ServerSocketChannel server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress("127.0.0.1", 0), 8192);
    server.configureBlocking(false);
    server.register(s.selector, SelectionKey.OP_ACCEPT);
    System.out.println("PORT " + ((InetSocketAddress) server.getLocalAddress()).getPort());
    System.out.flush();
    Thread watchdog = new Thread(() -> { // the parent closes our stdin by dying: follow it
      try {
        new BufferedReader(new InputStreamReader(System.in)).read();
      } catch (IOException ignored) {
        // parent gone
      }
      System.exit(0);
    });
    watchdog.setDaemon(true);
    watchdog.start();
    s.loop(server);
  }

  private void loop(ServerSocketChannel server) throws IOException {
    while (true) {
      Conn head = due.peek();
      long now = System.nanoTime();
      if (head == null) selector.select(100);
      else if (head.nextAt - now > 1_000_000L) selector.select((head.nextAt - now) / 1_000_000L);
      else selector.selectNow();
      for (SelectionKey k : selector.selectedKeys()) {
        if (!k.isValid()) continue;
        if (k.isAcceptable()) accept(server);
        else if (k.isReadable() || k.isWritable()) onReady((Conn) k.attachment(), k);
      }
      selector.selectedKeys().clear();
      now = System.nanoTime();
      while ((head = due.peek()) != null && head.nextAt <= now) {
        due.poll();
        emit(head, now);
      }
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
    String event = last
        ? "data:{\"index\":" + c.sent + ",\"token\":{\"id\":2,\"text\":\"</s>\",\"logprob\":-0.1,\"special\":true},"
            + "\"generated_text\":\"x\",\"details\":{\"finish_reason\":\"length\",\"generated_tokens\":" + tokens + ",\"seed\":null}}\n\n"
        : "data:{\"index\":" + c.sent + ",\"token\":{\"id\":17,\"text\":\" tok\",\"logprob\":-0.1,\"special\":false},"
            + "\"generated_text\":null,\"details\":null}\n\n";
    byte[] e = event.getBytes(StandardCharsets.US_ASCII);
    byte[] chunk = concat((Integer.toHexString(e.length) + "\r\n").getBytes(StandardCharsets.US_ASCII), e,
        last ? "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII) : "\r\n".getBytes(StandardCharsets.US_ASCII));
    try {
      write(c, chunk);
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

  private void write(Conn c, byte[] bytes) throws IOException {
    if (c.pending != null) { // still flushing: queue behind
      ByteBuffer b = ByteBuffer.allocate(c.pending.remaining() + bytes.length);
      b.put(c.pending).put(bytes).flip();
      c.pending = b;
      return;
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    c.ch.write(b);
    if (b.hasRemaining()) {
      c.pending = b;
      c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
    }
  }

  private void close(Conn c) {
    c.key.cancel();
    due.remove(c);
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
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(TokenServer.class.getName());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
    String line = r.readLine();
    if (line == null || !line.startsWith("PORT ")) {
      p.destroyForcibly();
      throw new IOException("token server did not start: " + line);
    }
    return new Child(p, Integer.parseInt(line.substring(5).trim()));
  }

  record Child(Process process, int port) implements AutoCloseable {
    String url() {
      return "http://127.0.0.1:" + port;
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
