package io.barrage.simulator.http;

import java.time.Duration;
import java.util.Locale;

/**
 * How the simulator treats its connections, to reproduce real servers' connection habits.
 *
 * @param afterStream what happens to the connection once a streamed (chunked) response has ended;
 *     whole responses keep the connection either way
 * @param backlog the listen backlog: how many completed handshakes the kernel queues before accept
 *     (llama.cpp's HTTP library, cpp-httplib, listens with 5; a burst of reconnects beyond it loses SYNs,
 *     which the clients send again a second later)
 * @param headTimeout how long a request may take to arrive once its first byte has (head and body):
 *     a connection holding part of a request for longer is answered 408 and closed
 * @param idleTimeout how long a keep-alive connection may wait with no request in flight and nothing
 *     buffered before it is closed (real servers differ: uvicorn 5 s)
 */
public record ConnectionPolicy(AfterStream afterStream, int backlog, Duration headTimeout, Duration idleTimeout) {
  /** Default {@link #headTimeout}: 10 s. */
  public static final Duration DEFAULT_HEAD_TIMEOUT = Duration.ofSeconds(10);
  /** Default {@link #idleTimeout}: 60 s. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  /** Keep-alive after every response, backlog 4096, the default timeouts. */
  public static final ConnectionPolicy DEFAULT = new ConnectionPolicy(AfterStream.KEEP, 4096);

  /** With the default head and idle timeouts. */
  public ConnectionPolicy(AfterStream afterStream, int backlog) {
    this(afterStream, backlog, DEFAULT_HEAD_TIMEOUT, DEFAULT_IDLE_TIMEOUT);
  }

  /** The connection after a streamed response. */
  public enum AfterStream {
    /** Keep it open for the next request (HTTP/1.1 keep-alive). */
    KEEP,
    /**
     * Close it right after the terminating chunk without having said so: the response carries no
     * {@code Connection: close} but {@code Keep-Alive: timeout=5, max=100}, and the FIN follows the
     * last chunk at once. A client that reuses the connection writes into a closed socket.
     */
    SILENT,
    /** Close it right after the terminating chunk, announced by {@code Connection: close}. */
    ANNOUNCED;

    /** The command-line spelling: {@code keep}, {@code silent}, {@code announced}. */
    public String cliName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static AfterStream parse(String text) {
      for (AfterStream a : values()) if (a.cliName().equalsIgnoreCase(text.trim())) return a;
      throw new IllegalArgumentException("expected keep, silent or announced, got '" + text + "'");
    }
  }

  public ConnectionPolicy {
    if (afterStream == null) throw new IllegalArgumentException("afterStream is required");
    if (backlog < 1) throw new IllegalArgumentException("the listen backlog must be at least 1, got " + backlog);
    positive("head timeout", headTimeout);
    positive("idle timeout", idleTimeout);
  }

  private static void positive(String what, Duration d) {
    if (d == null) throw new IllegalArgumentException("the " + what + " is required");
    if (d.isNegative() || d.isZero()) throw new IllegalArgumentException("the " + what + " must be positive, got " + d);
    if (d.compareTo(Duration.ofDays(1)) > 0) throw new IllegalArgumentException("the " + what + " must be at most 1 day, got " + d);
  }

  public ConnectionPolicy withAfterStream(AfterStream a) {
    return new ConnectionPolicy(a, backlog, headTimeout, idleTimeout);
  }

  public ConnectionPolicy withBacklog(int b) {
    return new ConnectionPolicy(afterStream, b, headTimeout, idleTimeout);
  }

  /** The same with these request-head and idle timeouts. */
  public ConnectionPolicy withTimeouts(Duration head, Duration idle) {
    return new ConnectionPolicy(afterStream, backlog, head, idle);
  }

  /** How often an event loop looks for connections past a timeout: every second, more often for short timeouts. */
  long sweepMillis() {
    long shortest = Math.min(headTimeout.toMillis(), idleTimeout.toMillis());
    return Math.max(10, Math.min(1_000, shortest / 4));
  }
}
