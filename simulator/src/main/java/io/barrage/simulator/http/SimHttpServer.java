package io.barrage.simulator.http;

import io.barrage.common.os.ThreadPriority;
import io.barrage.simulator.tls.ServerTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulator's HTTP/1.1 server: blocking accepts on one thread, then each connection on one of
 * a few NIO event loops that parse requests and hand them to a {@link Handler}.
 *
 * <p>Why not Pekko HTTP (which the first version used): a streamed token there is a queue offer, a
 * stream-actor wake-up, a render stage and a TCP-actor message before its bytes reach the socket,
 * several microseconds of CPU and two thread hops per token. At 100,000 token events/s on two cores
 * that work starved the engine's scheduling thread (p99 lag of tens to hundreds of ms; see
 * docs/adr/0231-nio-simulator-server.md). Here the engine thread writes each token's chunk straight to the
 * non-blocking socket ({@link Exchange.Stream#send}), one {@code write} per token, and the ground
 * truth is the instant just before that write. Only when a socket's buffer is full do bytes wait for
 * the connection's event loop.
 *
 * <p>What it speaks: HTTP/1.1 keep-alive (and 1.0), {@code Content-Length} and chunked request
 * bodies, {@code Expect: 100-continue}, pipelined requests answered in order, fixed-length and
 * chunked responses. Bad requests get 400 / 413 / 431 and the connection is closed. About once a
 * second each loop sweeps its connections: one holding part of a request for longer than the
 * policy's head timeout gets 408 and is closed, one idle between requests for longer than its idle
 * timeout is closed; one whose response is still going out is left alone. With a {@link
 * ServerTls} it speaks the same over TLS: each connection encrypts and decrypts through its own
 * {@code SSLEngine} ({@code TlsCodec}); the ground truth of a token is then the instant before the
 * write of its encrypted record.
 */
public final class SimHttpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SimHttpServer.class);
  /** Lazily submitted tasks (token writes) run between two looks at the sockets. */
  private static final int LAZY_SLICE = 8;
  /** Requests handled between two looks at the sockets. */
  private static final int REQUEST_SLICE = 2;

  /** Receives each complete request on its connection's event loop; must not block. */
  public interface Handler {
    void handle(Exchange exchange);
  }

  /** Connection open / close notifications (for gauges). */
  public interface Listener {
    void opened();

    void closed();

    /** One pass of an event loop took {@code nanos} (from the end of its wait to the next wait). */
    default void pass(long nanos) {}
  }

  final Handler handler;
  final Listener listener;
  final int maxBody;
  final ConnectionPolicy policy;
  private final int ioNice;
  private final boolean realtimeIo;
  final ScheduledThreadPoolExecutor timer;
  /** TLS identity when serving https, else null. */
  final ServerTls tls;
  private final ServerSocketChannel server;
  private final Loop[] loops;
  private final Thread acceptor;
  /** The acceptor's flag; cleared first on close. */
  private volatile boolean accepting = true;
  /** The event loops' flag; cleared once the listening socket is gone. */
  private volatile boolean running = true;

  /**
   * Binds and starts serving.
   *
   * @param loops event-loop threads (request parsing, responses, token writes)
   * @param ioNice nice value for the event-loop threads (0 = normal; see
   *     {@code SimulatorConfig.withIoNice})
   * @param realtimeIo SCHED_FIFO (priority 1) for the event-loop threads where permitted (see
   *     {@code SimulatorConfig.withRealtimeIo})
   * @param maxBody largest request body accepted (413 beyond)
   */
  public SimHttpServer(String host, int port, int loops, int ioNice, boolean realtimeIo, int maxBody, Handler handler,
      Listener listener) throws IOException {
    this(host, port, loops, ioNice, realtimeIo, maxBody, ConnectionPolicy.DEFAULT, handler, listener, null);
  }

  /**
   * As above, with the connections handled as {@code policy} says (close after streams, listen
   * backlog), and over TLS with {@code tls} (every connection does a TLS handshake first; null = plain
   * http).
   */
  public SimHttpServer(String host, int port, int loops, int ioNice, boolean realtimeIo, int maxBody, ConnectionPolicy policy,
      Handler handler, Listener listener, ServerTls tls) throws IOException {
    this.policy = policy;
    this.tls = tls;
    this.ioNice = ioNice;
    this.realtimeIo = realtimeIo;
    this.handler = handler;
    this.listener = listener;
    this.maxBody = maxBody;
    this.server = ServerSocketChannel.open();
    try {
      server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      server.bind(new InetSocketAddress(host, port), policy.backlog());
    } catch (IOException e) {
      server.close();
      throw e;
    }
    this.timer = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "sim-http-timer"));
    timer.setRemoveOnCancelPolicy(true);
    this.loops = new Loop[Math.max(1, loops)];
    for (int i = 0; i < this.loops.length; i++) {
      this.loops[i] = new Loop(i);
      this.loops[i].thread.start();
    }
    this.acceptor = daemon(this::accept, "sim-http-accept");
    acceptor.start();
  }

  /** The bound port. */
  public int port() {
    return server.socket().getLocalPort();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private void accept() {
    int next = 0;
    while (accepting) {
      SocketChannel ch;
      try {
        ch = server.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (!accepting) return;
        // e.g. too many open files: say so and back off a little instead of spinning
        log.warn("simulator accept failed: {}", e.getMessage());
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        continue;
      }
      try {
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      } catch (IOException e) {
        closeQuietly(ch);
        continue;
      }
      loops[next++ % loops.length].adopt(ch);
    }
  }

  static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // closing: nothing left to do with it
    }
  }

  /**
   * Wakes every event loop that has lazily submitted work ({@link Loop#submitLazy}): the engine
   * calls this once per turn, after handing a whole step's tokens to the loops, so a step costs
   * one wake-up per loop rather than one per token.
   */
  public void flush() {
    for (Loop l : loops) l.flush();
  }

  /**
   * Stops accepting, closes every connection and stops the loops, in that order: the listening
   * socket is gone before the first connection closes. Closing a channel that a thread is blocked
   * on in {@code accept} only marks it; the kernel keeps listening (and completing handshakes of
   * clients that reconnect) until that thread has left the call, so the acceptor is joined before
   * the loops stop.
   */
  @Override
  public void close() {
    accepting = false;
    closeQuietly(server);
    try {
      acceptor.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    running = false;
    for (Loop l : loops) l.stop();
    try {
      for (Loop l : loops) l.thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // a connection the acceptor handed over after its loop had ended is closed here, not left open
    for (Loop l : loops) l.drainTasks();
    timer.shutdownNow();
  }

  /** One selector thread owning a set of connections. */
  final class Loop {
    final Thread thread;
    private final Selector selector;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Runnable> lazy = new ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean lazyPending = new java.util.concurrent.atomic.AtomicBoolean();
    private final List<Connection> connections = new ArrayList<>();
    private final java.util.ArrayDeque<Connection> ready = new java.util.ArrayDeque<>();
    private final long sweepMillis = policy.sweepMillis();
    private long lastSweep = System.nanoTime();

    Loop(int index) throws IOException {
      this.selector = Selector.open();
      this.thread = daemon(this::run, "sim-http-" + index);
    }

    boolean inLoop() {
      return Thread.currentThread() == thread;
    }

    /** Runs {@code r} on this loop's thread (now, when already on it). */
    void execute(Runnable r) {
      if (inLoop()) {
        r.run();
        return;
      }
      tasks.add(r);
      selector.wakeup();
    }

    /**
     * Queues {@code r} for this loop without waking it: it runs after the next {@link
     * SimHttpServer#flush()} (or whatever else wakes the loop first), in submission order.
     */
    void submitLazy(Runnable r) {
      lazy.add(r);
      if (!lazyPending.get()) lazyPending.set(true);
    }

    void flush() {
      if (lazyPending.get() && lazyPending.compareAndSet(true, false)) selector.wakeup();
    }

    /** Asks the selector to notice an interest change made from another thread. */
    void wakeup() {
      if (!inLoop()) selector.wakeup();
    }

    void adopt(SocketChannel ch) {
      execute(() -> {
        if (!running) { // accepted just before the server closed: nobody would ever answer it
          closeQuietly(ch);
          return;
        }
        try {
          Connection c = new Connection(SimHttpServer.this, this, ch);
          c.key = ch.register(selector, SelectionKey.OP_READ, c);
          connections.add(c);
          listener.opened();
        } catch (IOException e) {
          closeQuietly(ch);
        }
      });
    }

    void forget(Connection c) {
      execute(() -> {
        if (connections.remove(c)) listener.closed();
      });
    }

    void stop() {
      selector.wakeup();
    }

    /** After the loop ended: runs what was still handed to it (adoptions close their channel). */
    void drainTasks() {
      Runnable t;
      while ((t = tasks.poll()) != null) runTask(t);
    }

    private void run() {
      if (ioNice > 0 && !ThreadPriority.niceCurrentThread(ioNice)) {
        log.info("simulator event loop {} runs at normal priority (could not renice it to {})", thread.getName(), ioNice);
      }
      if (realtimeIo && !ThreadPriority.realtimeCurrentThread(1)) {
        log.info("simulator event loop {} runs at normal priority (no real-time scheduling here: needs CAP_SYS_NICE and chrt)",
            thread.getName());
      }
      try {
        while (running) {
          // Each pass: read every socket that is ready (each read timestamped: that is a
          // request's arrival), then handle at most REQUEST_SLICE requests and run at most
          // LAZY_SLICE token writes, then look at the sockets again without blocking. A request
          // that arrives during a burst of requests or a large step is thus read within one slice,
          // however long the burst takes to handle.
          if (lazy.isEmpty() && ready.isEmpty()) selector.select(sweepMillis);
          else selector.selectNow();
          long passStart = System.nanoTime();
          if (passStart - lastSweep >= sweepMillis * 1_000_000L) {
            lastSweep = passStart;
            sweep(passStart);
          }
          Runnable t;
          while ((t = tasks.poll()) != null) runTask(t);
          var keys = selector.selectedKeys();
          for (SelectionKey k : keys) {
            Connection c = (Connection) k.attachment();
            try {
              if (!k.isValid()) continue;
              if (k.isWritable()) c.flushFromLoop();
              if (k.isValid() && k.isReadable() && c.fill()) ready.add(c);
            } catch (RuntimeException e) {
              log.warn("simulator connection failed: {}", e.toString(), e);
              c.close();
            }
          }
          keys.clear();
          Connection c;
          for (int i = 0; i < REQUEST_SLICE && (c = ready.poll()) != null; i++) {
            try {
              c.process();
            } catch (RuntimeException e) {
              log.warn("simulator connection failed: {}", e.toString(), e);
              c.close();
            }
          }
          for (int i = 0; i < LAZY_SLICE && (t = lazy.poll()) != null; i++) runTask(t);
          listener.pass(System.nanoTime() - passStart);
        }
      } catch (IOException | ClosedSelectorException e) {
        if (running) log.error("simulator event loop stopped: {}", e.toString(), e);
      } finally {
        // pending tasks first: a connection adopted by one of them is closed below with the rest
        Runnable t;
        while ((t = tasks.poll()) != null) runTask(t);
        for (Connection c : List.copyOf(connections)) c.close();
        while ((t = tasks.poll()) != null) runTask(t);
        while ((t = lazy.poll()) != null) runTask(t);
        connections.clear();
        closeQuietly(selector);
      }
    }

    /** Closes the connections past the head or idle timeout ({@link Connection#expire}). */
    private void sweep(long now) {
      for (Connection c : List.copyOf(connections)) {
        try {
          c.expire(now);
        } catch (RuntimeException e) {
          log.warn("simulator connection failed: {}", e.toString(), e);
          c.close();
        }
      }
    }

    private void runTask(Runnable t) {
      try {
        t.run();
      } catch (RuntimeException e) {
        log.warn("simulator loop task failed: {}", e.toString(), e);
      }
    }
  }
}
