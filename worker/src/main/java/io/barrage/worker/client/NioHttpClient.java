package io.barrage.worker.client;

import io.barrage.common.prometheus.LatencyBuckets;
import io.barrage.protocol.scenario.Timeouts;
import io.barrage.protocol.scenario.TlsOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small non-blocking HTTP/1.1 client on Java NIO, built for measuring: one selector thread per
 * core ({@link EventLoop}), keep-alive connections, Content-Length / chunked / close-delimited
 * bodies, SSE parsed directly on the read buffer and {@code System.nanoTime()} taken right after
 * {@code read()}; TLS for {@code https://} targets through the JDK's {@code SSLEngine} on the same
 * loops ({@link ClientTls}, {@code TlsCodec}). No pipelining, no redirects; the one retry is of a
 * request whose kept-alive connection the server had closed before answering it ({@link
 * NioConnection}).
 * The loops start with the first transport and stop with {@link #close()}.
 */
public final class NioHttpClient implements AutoCloseable {
  final Duration connectTimeout;
  final int maxLineBytes;
  final int maxBodyBytes;
  private final int threads;
  private final long tickNanos;
  private final boolean realtime;
  private final AtomicInteger next = new AtomicInteger();
  private volatile EventLoop[] loops;
  private final LatencyBuckets loopLag = new LatencyBuckets();

  /**
   * @param threads event loops; 0 = one per available core
   * @param tick how often in-flight requests are checked for timeouts
   */
  public NioHttpClient(int threads, Duration tick, Duration connectTimeout, int maxLineBytes, int maxBodyBytes) {
    this(threads, tick, connectTimeout, maxLineBytes, maxBodyBytes, false);
  }

  /** @param realtime run the loops under SCHED_FIFO where permitted ({@code EngineSettings.ioRealtime}) */
  public NioHttpClient(int threads, Duration tick, Duration connectTimeout, int maxLineBytes, int maxBodyBytes, boolean realtime) {
    this.realtime = realtime;
    this.threads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    this.tickNanos = Math.max(1_000_000L, tick.toNanos());
    this.connectTimeout = connectTimeout;
    this.maxLineBytes = maxLineBytes;
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * A step's transport to {@code api}'s endpoint, {@code http://} or {@code https://}.
   *
   * @param tls the target's TLS options (https only; null = defaults)
   * @param baseDir where a relative {@code tls.caFile} is resolved, or null
   */
  public Transport transport(ApiClient api, Optional<AuthHeader> auth, Timeouts timeouts, TlsOptions tls, Path baseDir) {
    String scheme = api.uri().getScheme();
    if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
      throw new IllegalArgumentException("not an http:// or https:// url: " + api.uri());
    }
    return new NioTransport(this, api, auth, timeouts, tls, baseDir);
  }

  EventLoop nextLoop() {
    EventLoop[] l = loops;
    if (l == null) {
      synchronized (this) {
        if (loops == null) {
          EventLoop[] created = new EventLoop[threads];
          for (int i = 0; i < threads; i++) created[i] = new EventLoop("barrage-io-" + i, tickNanos, realtime, loopLag);
          loops = created;
        }
        l = loops;
      }
    }
    return l[Math.floorMod(next.getAndIncrement(), l.length)];
  }

  /**
   * How late the event loops' timeout scans ran behind their tick (every loop, every tick): the
   * time a token that arrived just then waited for its loop. Includes up to 1 ms of the selector's
   * millisecond timeout.
   */
  public LatencyBuckets.Snapshot eventLoopLag() {
    return loopLag.snapshot();
  }

  /** Sockets open now (connecting or connected), over every loop. */
  public int openConnections() {
    EventLoop[] l = loops;
    if (l == null) return 0;
    int n = 0;
    for (EventLoop e : l) n += e.openConnections;
    return n;
  }

  public int threads() {
    return threads;
  }

  /** Stops the loops; requests still in flight end as {@code reset}. */
  @Override
  public synchronized void close() {
    EventLoop[] l = loops;
    if (l == null) return;
    for (EventLoop e : l) e.close();
  }
}
