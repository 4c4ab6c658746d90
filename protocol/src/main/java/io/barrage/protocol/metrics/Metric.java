package io.barrage.protocol.metrics;

/**
 * The canonical per-request metrics (docs/engine.md "Measurement"), each recorded into an HdrHistogram and
 * merged exactly. Latencies are recorded in microseconds and reported in milliseconds; the one rate,
 * {@link #PER_REQUEST_THROUGHPUT}, is recorded in milli-tokens per second and reported in tokens per
 * second (see {@link #latency()}). The {@link #key()} is the public name used in summary.json, CSV
 * and logs.
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
  CONNECT("connect", "connection setup (TCP connect and TLS handshake) per new connection"),
  /**
   * Output tokens / (tLast − tSend), one sample per successful request, in milli-tokens per second
   * (1 .. 3.6e9: 0.001 to 3.6 million tokens/s at 3 significant digits). The FastAPI-vs-TGI
   * article's "throughput"; "output tokens/s per user" elsewhere.
   */
  PER_REQUEST_THROUGHPUT("perRequestThroughput", "per-request output tokens per second (tokens / e2e)");

  /** Recorded units per token per second for {@link #PER_REQUEST_THROUGHPUT}. */
  public static final long MILLI = 1000;

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

  /** Whether this metric is a duration (microseconds); false for the per-request rate. */
  public boolean latency() {
    return this != PER_REQUEST_THROUGHPUT;
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
