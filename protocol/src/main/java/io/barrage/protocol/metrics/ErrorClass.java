package io.barrage.protocol.metrics;

/**
 * Why a request failed. Failed requests are counted by class and never enter latency histograms.
 * The {@link #key()} is the public name in summary.json.
 */
public enum ErrorClass {
  /** The server answered with a non-2xx status (the status itself is counted separately). */
  HTTP_STATUS("http"),
  /** The connection could not be established. */
  CONNECT("connect"),
  /** The connection was reset or closed by the peer before the response completed. */
  RESET("reset"),
  /** An error event inside an SSE stream (TGI {"error":...}, OpenAI {"error":{...}}). */
  STREAM_ERROR("streamError"),
  /** The stream ended without its final event / [DONE]. */
  TRUNCATED("truncated"),
  /** The server sent SSE or JSON that could not be understood. */
  MALFORMED("malformed"),
  FIRST_TOKEN_TIMEOUT("firstTokenTimeout"),
  IDLE_TIMEOUT("idleTimeout"),
  TOTAL_TIMEOUT("totalTimeout"),
  /** The generator itself could not send (e.g. pool exhausted); counted so nothing disappears. */
  CLIENT("client"),
  /**
   * The TLS handshake of an https target failed: certificate not trusted or not for this host, no
   * common protocol or cipher, or a server that does not speak TLS.
   */
  TLS("tls");

  private final String key;

  ErrorClass(String key) {
    this.key = key;
  }

  public String key() {
    return key;
  }
}
