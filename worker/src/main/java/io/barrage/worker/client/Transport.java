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

  /** One request at a time, in order. */
  interface Lane {
    /**
     * Sends a request now. {@code onSent} runs once {@code trace.tSend} is set, before anything
     * else happens to the request; {@code onDone} runs exactly once when it ended, successfully or
     * not (possibly on the loop thread that read its last bytes: keep it short and non-blocking).
     */
    void send(String requestId, byte[] body, RequestTrace trace, Consumer<RequestTrace> onSent, Consumer<RequestTrace> onDone);

    /** Closes the lane once its current request (if any) has ended. */
    void close();
  }
}
