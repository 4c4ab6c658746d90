package io.barrage.worker.client;

import java.util.function.Consumer;

/**
 * How one step's requests reach its target: lanes that each carry one request at a time. {@link
 * NioHttpClient} makes them: a lane is one keep-alive connection (TLS for {@code https://}) owned by
 * an event loop.
 */
public interface Transport {
  /** A new lane. Closed loop: one per virtual user, so N streams are N connections. */
  Lane lane();

  /** Where this transport reports the connections it opens (set once, before the first lane sends). */
  default void connectionEvents(ConnectionEvents events) {}

  /** What a transport tells the step about its connections, on the thread that saw it happen. */
  interface ConnectionEvents {
    ConnectionEvents NONE = t -> {};

    /**
     * A new connection for request {@code t} is ready for its first byte: {@code t.connectStart} and
     * {@code t.connectEnd} are set (TCP connect, plus the TLS handshake on https). Failed attempts
     * arrive as the request's {@code connect} error.
     */
    void connected(RequestTrace t);
  }

  /** One request at a time, in order. */
  interface Lane {
    /**
     * Sends a request now. {@code onSent} runs exactly once, before {@code onDone}: when the first
     * request byte is written ({@code trace.tSend} set), or just before {@code onDone} when the request
     * failed before that; {@code onDone} runs exactly once when it ended, successfully or not
     * (possibly on the loop thread that read its last bytes: keep it short and non-blocking).
     */
    void send(String requestId, byte[] body, RequestTrace trace, Consumer<RequestTrace> onSent, Consumer<RequestTrace> onDone);

    /** Closes the lane once its current request (if any) has ended. */
    void close();
  }
}
