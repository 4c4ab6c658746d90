package io.barrage.worker.client;

import io.barrage.common.os.ThreadPriority;
import io.barrage.common.prometheus.LatencyBuckets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One selector thread: owns a set of {@link NioConnection}s and does everything for them — connect,
 * write, read, parse, timestamp, time out, and run the step's next request — without handing
 * anything to another thread. This is what makes a loopback request cost microseconds instead of
 * the several scheduler hops of an actor/stream pipeline. Other threads submit work with {@link
 * #execute(Runnable)}; the loop itself runs it inline.
 *
 * <p>Timeouts are checked by a scan of the connections with a request in flight every {@code
 * tickNanos}; a connection that fails is closed, never the loop: an exception from one connection
 * ends that connection's request and the loop carries on. The scan reads one array of "not before"
 * times (each connection's earliest possible expiry, kept beside the connection list) and only
 * visits the connections whose time has come: at 10,000 streams and a 10 ms tick, visiting every
 * connection cost a tenth of the loop's time.
 */
final class EventLoop implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(EventLoop.class);

  final Selector selector;
  /** Shared read buffer: a read is parsed completely before the next one, so one per loop suffices. */
  final ByteBuffer readBuffer = ByteBuffer.allocate(64 * 1024);
  private final Thread thread;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean wakeupPending = new AtomicBoolean();
  private final ArrayList<NioConnection> active = new ArrayList<>();
  /** {@code checkAt[i]}: no timeout of {@code active.get(i)} can expire before this instant. */
  private long[] checkAt = new long[64];
  private final long tickNanos;
  private final boolean realtime;
  private volatile boolean closed;

  /** How late each timeout scan ran behind its tick: the loop's lag (shared by the client's loops). */
  private final LatencyBuckets lag;
  /** Sockets this loop's connections hold open. Changed on the loop thread only. */
  volatile int openConnections;

  EventLoop(String name, long tickNanos, boolean realtime) {
    this(name, tickNanos, realtime, new LatencyBuckets());
  }

  EventLoop(String name, long tickNanos, boolean realtime, LatencyBuckets lag) {
    this.lag = lag;
    this.realtime = realtime;
    try {
      this.selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.tickNanos = tickNanos;
    this.thread = new Thread(this, name);
    thread.setDaemon(true);
    thread.start();
  }

  boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  /** Runs {@code task} on this loop: now if called from it, else as soon as the loop wakes. */
  void execute(Runnable task) {
    if (inLoop()) {
      task.run();
      return;
    }
    submit(task);
  }

  /** Runs {@code task} on this loop after the current event, never inline (breaks recursion). */
  void submit(Runnable task) {
    tasks.add(task);
    if (!inLoop() && wakeupPending.compareAndSet(false, true)) selector.wakeup();
  }

  /**
   * A connection has a request in flight: include it in the timeout scan, to be checked at {@code
   * notBefore} (no later than its earliest possible expiry). Loop thread only.
   */
  void track(NioConnection c, long notBefore) {
    if (c.activeIndex < 0) {
      c.activeIndex = active.size();
      active.add(c);
      if (c.activeIndex == checkAt.length) checkAt = java.util.Arrays.copyOf(checkAt, checkAt.length * 2);
    }
    checkAt[c.activeIndex] = notBefore;
  }

  /** Loop thread only. */
  void untrack(NioConnection c) {
    int i = c.activeIndex;
    if (i < 0) return;
    int lastIndex = active.size() - 1;
    NioConnection last = active.remove(lastIndex);
    if (last != c) {
      active.set(i, last);
      checkAt[i] = checkAt[lastIndex];
      last.activeIndex = i;
    }
    c.activeIndex = -1;
  }

  @Override
  public void run() {
    if (realtime && !ThreadPriority.realtimeCurrentThread(1)) {
      log.info("event loop {} runs at normal priority: real-time scheduling (io-priority = realtime) needs CAP_SYS_NICE and chrt",
          thread.getName());
    }
    long nextTick = System.nanoTime() + tickNanos;
    while (!closed) {
      try {
        long waitMs = Math.max(1, (nextTick - System.nanoTime()) / 1_000_000L);
        if (tasks.isEmpty()) selector.select(this::onKey, waitMs);
        else selector.selectNow(this::onKey);
        wakeupPending.set(false);
        Runnable r;
        while ((r = tasks.poll()) != null) runSafely(r);
        long now = System.nanoTime();
        if (now >= nextTick) {
          lag.record(now - nextTick);
          scanTimeouts(now);
          nextTick = now + tickNanos;
        }
      } catch (IOException | RuntimeException e) {
        log.warn("event loop {}: {}", thread.getName(), e.toString());
      }
    }
    for (SelectionKey k : selector.keys()) {
      if (k.attachment() instanceof NioConnection c) c.shutdown();
    }
    try {
      selector.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  private void onKey(SelectionKey key) {
    NioConnection c = (NioConnection) key.attachment();
    try {
      c.onReady(key);
    } catch (RuntimeException e) {
      c.onUnexpected(e);
    }
  }

  private void runSafely(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      log.warn("event loop task failed: {}", e.toString());
    }
  }

  private void scanTimeouts(long now) {
    // backwards: an expiring connection removes itself by swapping in the last element
    for (int i = active.size() - 1; i >= 0; i--) {
      if (i >= active.size() || checkAt[i] > now) continue;
      NioConnection c = active.get(i);
      try {
        c.checkTimeouts(now);
      } catch (RuntimeException e) {
        c.onUnexpected(e);
      }
    }
  }

  void close() {
    closed = true;
    selector.wakeup();
  }
}
