package io.barrage.simulator.http;

import io.barrage.simulator.engine.Token;

/** What travels from the engine thread to one response stream. */
sealed interface StreamItem {
  record TokenItem(Token token) implements StreamItem {}

  record Finished() implements StreamItem {}

  record Failed(String message, String errorType) implements StreamItem {}

  /** The server drops the connection here (after the items before it were written). */
  record Disconnect() implements StreamItem {}

  /** Injected by the stream during silence (the {@code :} comment). */
  record KeepAlive() implements StreamItem {}

  StreamItem FINISHED = new Finished();
  StreamItem KEEP_ALIVE = new KeepAlive();
  StreamItem DISCONNECT = new Disconnect();
}
