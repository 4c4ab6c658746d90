package io.barrage.simulator;

/**
 * Why a simulated request failed, as TGI names it: the {@code error_type} of its error bodies and
 * events and the {@code err} label of {@code tgi_request_failure} (docs/protocols.md §5, §6, §7). Two kinds are
 * the simulator's own: {@link #DISCONNECT} asks the HTTP layer to drop the connection instead of
 * answering, and {@link #DROPPED} counts requests whose client left or whose connection was dropped.
 */
public enum ErrorKind {
  /** A request that failed TGI's validation (422). */
  VALIDATION("validation"),
  /** Refused past {@code max_concurrent_requests} (429). */
  OVERLOADED("overloaded"),
  /** A shard failed in the forward that ran the request (424). */
  GENERATION("generation"),
  /** The engine stopped before the request ended. */
  INCOMPLETE("incomplete_generation_stream"),
  /** {@code /v1/completions} with a {@code suffix} (422, before any stream). */
  SUFFIX_NOT_SUPPORTED("suffix not supported"),
  /** {@code /v1/completions} with more prompts than the batch allows (422, before any stream). */
  BATCH_SIZE_EXCEEDED("batch size exceeded"),
  /** An injected disconnect: the connection is dropped mid-body, nothing more is written. */
  DISCONNECT("disconnect"),
  /** Counted for a request whose client went away or whose connection was dropped. */
  DROPPED("dropped");

  private final String label;

  ErrorKind(String label) {
    this.label = label;
  }

  /** TGI's text for it: {@code error_type} and the metrics' {@code err} label. */
  public String label() {
    return label;
  }

  /** Refused by TGI's completions handler before any generation starts: an HTTP error even on a stream. */
  public boolean refusedByHandler() {
    return this == SUFFIX_NOT_SUPPORTED || this == BATCH_SIZE_EXCEEDED;
  }
}
