package io.barrage.simulator.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client side of {@link SimulatorCapacityBench}, run in its own JVM (on its own core): opens N
 * {@code /generate_stream} requests on N connections from one NIO thread and counts SSE events
 * (blank-line terminated) as they arrive, doing nothing else with them, so that it costs the
 * machine as little as a client can.
 *
 * <p>Protocol on stdout: {@code ready OPEN ERRORS} once every stream has its response head (or
 * failed), then {@code mark EVENTS NANOS OPEN ERRORS} for each {@code mark} line read on stdin.
 * Exits at stdin EOF, or after {@code maxSeconds}.
 *
 * <p>Usage: {@code SseLoadClient HOST PORT STREAMS MAX_NEW_TOKENS STALL_MS MAX_SECONDS}
 */
public final class SseLoadClient {
  private static final AtomicLong events = new AtomicLong();
  private static final AtomicLong errors = new AtomicLong();
  private static final AtomicLong headed = new AtomicLong();
  private static volatile int open;

  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    int streams = Integer.parseInt(args[2]);
    int tokens = Integer.parseInt(args[3]);
    long stallMs = Long.parseLong(args[4]);
    long maxSeconds = Long.parseLong(args[5]);
    if (!host.startsWith("127.") && !host.equals("::1")) throw new IllegalArgumentException("loopback only, got " + host);
    String body = "{\"inputs\":\"capacity\",\"parameters\":{\"max_new_tokens\":" + tokens + "}}";
    String req = "POST /generate_stream HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\n"
        + (stallMs > 0 ? "X-Barrage-Fault: stall-after=1,stall-ms=" + stallMs + "\r\n" : "")
        + "Content-Length: " + body.length() + "\r\n\r\n" + body;
    byte[] request = req.getBytes(StandardCharsets.US_ASCII);
    AtomicBoolean stop = new AtomicBoolean();
    Selector selector = Selector.open();
    Thread io = new Thread(() -> loop(selector, host, port, streams, request, stop, maxSeconds), "sse-client");
    io.start();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.equals("mark")) {
        System.out.println("mark " + events.get() + " " + System.nanoTime() + " " + open + " " + errors.get());
        System.out.flush();
      }
    }
    stop.set(true);
    selector.wakeup();
    io.join(10_000);
    System.exit(0);
  }

  /** Per-connection state: the response head, then the body's event boundaries. */
  private static final class Conn {
    boolean head = true;
    int prev = -1;
    int headMatch;
  }

  private static void loop(Selector selector, String host, int port, int streams, byte[] request, AtomicBoolean stop,
      long maxSeconds) {
    long end = System.nanoTime() + maxSeconds * 1_000_000_000L;
    ByteBuffer buf = ByteBuffer.allocateDirect(256 * 1024);
    byte[] arr = new byte[buf.capacity()];
    int started = 0;
    boolean readyPrinted = false;
    try {
      while (!stop.get() && System.nanoTime() < end) {
        // open connections in slices so the accept queue never overflows
        for (int k = 0; k < 100 && started < streams; k++, started++) {
          SocketChannel ch = SocketChannel.open();
          ch.configureBlocking(false);
          ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
          ch.connect(new InetSocketAddress(host, port));
          ch.register(selector, SelectionKey.OP_CONNECT, new Conn());
        }
        selector.select(started < streams ? 1 : 100);
        for (SelectionKey key : selector.selectedKeys()) {
          SocketChannel ch = (SocketChannel) key.channel();
          Conn c = (Conn) key.attachment();
          try {
            if (key.isConnectable()) {
              ch.finishConnect();
              ch.write(ByteBuffer.wrap(request)); // small: fits the socket buffer
              key.interestOps(SelectionKey.OP_READ);
              open++;
              continue;
            }
            if (!key.isReadable()) continue;
            buf.clear();
            int n = ch.read(buf);
            if (n < 0) {
              errors.incrementAndGet();
              open--;
              key.cancel();
              ch.close();
              continue;
            }
            buf.flip();
            buf.get(arr, 0, n);
            int i = 0;
            if (c.head) {
              // the head ends at \r\n\r\n; count what follows
              for (; i < n && c.headMatch < 4; i++) {
                byte b = arr[i];
                c.headMatch = (b == (c.headMatch % 2 == 0 ? '\r' : '\n')) ? c.headMatch + 1 : (b == '\r' ? 1 : 0);
              }
              if (c.headMatch == 4) {
                c.head = false;
                headed.incrementAndGet();
              }
            }
            long count = 0;
            int prev = c.prev;
            for (; i < n; i++) {
              byte b = arr[i];
              if (b == '\n' && prev == '\n') count++;
              prev = b;
            }
            c.prev = prev;
            if (count > 0) events.addAndGet(count);
          } catch (IOException e) {
            errors.incrementAndGet();
            open--;
            key.cancel();
            try {
              ch.close();
            } catch (IOException ignored) {
              // closing anyway
            }
          }
        }
        selector.selectedKeys().clear();
        if (!readyPrinted && started == streams && headed.get() + errors.get() >= streams) {
          readyPrinted = true;
          System.out.println("ready " + open + " " + errors.get());
          System.out.flush();
        }
      }
      for (SelectionKey k : selector.keys()) k.channel().close();
      selector.close();
    } catch (IOException e) {
      System.out.println("failed " + e);
      System.out.flush();
    }
  }
}
