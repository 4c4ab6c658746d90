package io.barrage.simulator.http;

import java.util.Locale;

/**
 * How the simulator treats its connections, to reproduce real servers' connection habits.
 *
 * @param afterStream what happens to the connection once a streamed (chunked) response has ended;
 *     whole responses keep the connection either way
 * @param backlog the listen backlog: how many completed handshakes the kernel queues before accept
 *     (a single-process Python server listens with 5; a burst of reconnects beyond it loses SYNs,
 *     which the clients send again a second later)
 */
public record ConnectionPolicy(AfterStream afterStream, int backlog) {
  /** Keep-alive after every response, backlog 4096. */
  public static final ConnectionPolicy DEFAULT = new ConnectionPolicy(AfterStream.KEEP, 4096);

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
  }

  public ConnectionPolicy withAfterStream(AfterStream a) {
    return new ConnectionPolicy(a, backlog);
  }

  public ConnectionPolicy withBacklog(int b) {
    return new ConnectionPolicy(afterStream, b);
  }
}
