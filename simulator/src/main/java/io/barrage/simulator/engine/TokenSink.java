package io.barrage.simulator.engine;

import io.barrage.simulator.ErrorKind;

/**
 * Where the engine delivers one request's progress. Called on the engine's scheduling thread, so an
 * implementation must only hand the event on (offer to a stream queue, complete a future) and
 * never block.
 */
public interface TokenSink {
  /** The request left the queue and joined the running batch at {@code nanos}. */
  void onAdmitted(long nanos);

  /** A token was generated; {@code nanos} is the engine's emission instant. */
  void onToken(Token token, long nanos);

  /** The request is complete (after its last token and any tail overhead). */
  void onFinished(long nanos);

  /**
   * The request failed: {@link ErrorKind#GENERATION} (a shard failure), {@link ErrorKind#INCOMPLETE}
   * (the engine stopped) or {@link ErrorKind#DISCONNECT} (drop the connection instead of answering).
   */
  void onError(String message, ErrorKind kind, long nanos);
}
