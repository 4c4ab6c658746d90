package io.barrage.simulator.http;

import io.barrage.simulator.ErrorKind;

/**
 * A request refused before generation.
 *
 * @param status the HTTP status a non-streaming route answers with
 * @param message the error message (TGI's text)
 * @param kind TGI's {@code error_type}; null for the framework's plain-text rejections
 */
record Rejection(int status, String message, ErrorKind kind) {
  static Rejection validation(String message) {
    return new Rejection(422, "Input validation error: " + message, ErrorKind.VALIDATION);
  }

  static Rejection overloaded() {
    return new Rejection(429, "Model is overloaded", ErrorKind.OVERLOADED);
  }

  /** axum's plain-text rejections (bad JSON, wrong shape, wrong content type). */
  static Rejection plain(int status, String message) {
    return new Rejection(status, message, null);
  }

  boolean isPlain() {
    return kind == null;
  }

  /**
   * Refused by TGI's completions handler before any generation starts ({@code suffix}, too many
   * prompts): an HTTP error even when the request asked for a stream.
   */
  boolean isHandlerError() {
    return kind != null && kind.refusedByHandler();
  }

  /**
   * On a route that streams, answered with HTTP 200 and an error event: everything but the
   * framework's plain-text rejections and the completions handler's own refusals.
   */
  boolean isStreamed() {
    return !isPlain() && !isHandlerError();
  }

  /** Thrown while parsing; carries the rejection. */
  static final class Failure extends RuntimeException {
    final Rejection rejection;

    Failure(Rejection rejection) {
      super(rejection.message(), null, false, false);
      this.rejection = rejection;
    }
  }
}
