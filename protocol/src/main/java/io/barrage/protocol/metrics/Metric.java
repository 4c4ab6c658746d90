package io.barrage.protocol.metrics;

/**
 * The canonical latency metrics (DESIGN.md "Metrics"). Recorded in microseconds into HdrHistograms,
 * reported in milliseconds. The {@link #key()} is the public name used in summary.json, CSV and logs.
 */
public enum Metric {
  /** tFirst − tSend: first event carrying an output token. */
  TTFT("ttft", "time to first token"),
  /** tFirst − tSched: coordinated-omission-free TTFT in open-loop mode. */
  TTFT_SCHED("ttftSched", "time to first token from the intended send time"),
  /** tLast − tSend. */
  E2E("e2e", "end-to-end latency (to the last token)"),
  /** tEnd − tSend: to the end of the response body. */
  E2E_END("e2eEnd", "end-to-end latency (to the end of the response)"),
  /** (tLast − tFirst) / (N − 1), N > 1. vLLM's TPOT. */
  TPOT("tpot", "time per output token after the first"),
  /** Each gap between token events divided by the tokens it carried, one sample per token. */
  ITL("itl", "inter-token latency"),
  /** e2e / N: the "latency ms/token" of the SageMaker benchmark; GuideLLM's TPOT. */
  NTPOT("ntpot", "normalized time per output token (e2e / tokens)"),
  /** The server's own per-token time (TGI x-time-per-token). */
  SERVER_TPOT("serverTpot", "server-reported time per token"),
  /** The server's queue time (TGI x-queue-time). */
  QUEUE("queue", "server-reported queue time"),
  /** tSend − tSched: the generator's own health (includes waiting for and opening a connection). */
  SEND_LAG("sendLag", "send lag behind the schedule (generator health)"),
  /**
   * connectEnd − connectStart of each new connection: TCP connect (plus the TLS handshake on https),
   * one sample per connection a measured request opened. Not part of TTFT or e2e.
   */
  CONNECT("connect", "connection setup (TCP connect and TLS handshake) per new connection");

  private final String key;
  private final String description;

  Metric(String key, String description) {
    this.key = key;
    this.description = description;
  }

  public String key() {
    return key;
  }

  public String description() {
    return description;
  }

  public static Metric fromKey(String key) {
    for (Metric m : values()) {
      if (m.key.equals(key)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown metric '" + key + "'");
  }
}
