package io.barrage.worker.client;

import io.barrage.protocol.metrics.ErrorClass;
import java.io.IOException;
import java.util.Arrays;

/**
 * The response side of one {@link NioConnection}: HTTP/1.1 framing ({@link Http1ResponseParser}),
 * then either SSE events ({@link SseParser}) handed to the API client as they arrive, or a whole
 * body kept until the response ends. Everything it reads goes into the current request's trace; a
 * response it cannot read is remembered as a {@link ErrorClass#MALFORMED} failure for the connection
 * to end the request with. Loop thread only, like its connection.
 */
final class ResponseReader implements Http1ResponseParser.Listener, SseParser.Listener {
  /** What a piece of response bytes did. */
  enum Progress {
    /** The response goes on. */
    MORE,
    /** The response cannot be read: end the request with {@link #error()}. */
    FAILED,
    /** The response is complete and the connection must close. */
    COMPLETE,
    /** The response is complete and the connection can carry the next request. */
    COMPLETE_REUSABLE
  }

  private static final int KEPT_BODY_BYTES = 64 * 1024;

  private final NioTransport transport;
  private final Http1ResponseParser parser = new Http1ResponseParser(this);
  private final SseParser sse;
  private final StreamEvent event = new StreamEvent();
  private RequestTrace trace;
  private boolean streaming;
  /** A non-2xx answer: its body is not the API's. */
  private boolean discard;
  private byte[] body = new byte[1024];
  private int bodyLen;
  private boolean complete;
  private boolean keepAlive;
  private long completeNanos;
  private ErrorClass error;
  private String errorDetail;

  ResponseReader(NioTransport transport) {
    this.transport = transport;
    this.sse = new SseParser(this, transport.maxLineBytes);
  }

  /** A new attempt of {@code t}'s request: whatever an earlier attempt read is forgotten. */
  void begin(RequestTrace t) {
    trace = t;
    streaming = transport.api.streaming();
    discard = false;
    bodyLen = 0;
    complete = false;
    error = null;
    errorDetail = null;
    sse.reset();
  }

  /** The request is being written: its response is next on the connection. */
  void expect() {
    if (!parser.inResponse()) parser.expectResponse();
  }

  /** Response bytes read at {@code nanos}. */
  Progress feed(byte[] bytes, int n, long nanos) {
    int extra;
    try {
      extra = parser.feed(bytes, 0, n, nanos);
    } catch (Http1ResponseParser.ProtocolException e) {
      fail(e.getMessage());
      return Progress.FAILED;
    }
    if (error != null) return Progress.FAILED;
    if (!complete) return Progress.MORE;
    return keepAlive && extra == 0 ? Progress.COMPLETE_REUSABLE : Progress.COMPLETE;
  }

  /** The server closed the connection; true when that ends the response (a body delimited by the close). */
  boolean endOfStream(long nanos) {
    return parser.endOfStream(nanos);
  }

  /** When the response ended (its last byte read). */
  long completeNanos() {
    return completeNanos;
  }

  /**
   * The response is complete: the API client reads the whole body, or learns that the stream ended.
   * False when that failed ({@link #error()}); a stream without its final event is a {@link
   * ErrorClass#TRUNCATED} request.
   */
  boolean interpret() {
    if (discard) return true;
    try {
      if (streaming) sse.finish(completeNanos);
      else transport.api.onBody(body, bodyLen, completeNanos, trace);
    } catch (IOException | RuntimeException e) {
      fail(String.valueOf(e.getMessage()));
    }
    if (error != null) return false;
    if (trace.error == null && !trace.streamComplete) trace.fail(ErrorClass.TRUNCATED, "stream ended without its final event");
    if (body.length > KEPT_BODY_BYTES) body = new byte[1024]; // an idle connection keeps no large buffer
    return true;
  }

  ErrorClass error() {
    return error;
  }

  String errorDetail() {
    return errorDetail;
  }

  /** The connection closes: a response half read is dropped. */
  void abandon() {
    parser.abandon();
  }

  // ---- response parser callbacks ----

  @Override
  public void onHeaders(int status, ResponseHeaders headers, long nanos) {
    trace.httpStatus = status;
    if (status < 200 || status > 299) {
      trace.fail(ErrorClass.HTTP_STATUS, "HTTP " + status);
      discard = true;
      return;
    }
    transport.api.onHeaders(headers, trace);
  }

  @Override
  public void onBody(byte[] buf, int off, int len, long nanos) {
    if (discard || error != null) return;
    if (streaming) {
      try {
        sse.feed(buf, off, len, nanos);
      } catch (SseParser.LineTooLongException e) {
        fail(e.getMessage());
      }
      return;
    }
    if (bodyLen + len > transport.maxBodyBytes) {
      fail("response body over " + transport.maxBodyBytes + " bytes");
      return;
    }
    if (bodyLen + len > body.length) body = Arrays.copyOf(body, Math.max(bodyLen + len, body.length * 2));
    System.arraycopy(buf, off, body, bodyLen, len);
    bodyLen += len;
  }

  @Override
  public void onComplete(boolean reusable, long nanos) {
    complete = true;
    keepAlive = reusable;
    completeNanos = nanos;
  }

  @Override
  public void onEvent(byte[] data, int offset, int length, long nanos) {
    if (error != null) return;
    if (trace.error != null && trace.error != ErrorClass.STREAM_ERROR) return;
    try {
      event.keepText = trace.replyText != null;
      event.read(data, offset, length);
      transport.api.onEvent(event, nanos, trace);
    } catch (IOException | RuntimeException e) {
      fail("bad event: " + e.getMessage());
    }
  }

  /** The response cannot be read: the first reason is kept and the rest of the response ignored. */
  private void fail(String detail) {
    if (error == null) {
      error = ErrorClass.MALFORMED;
      errorDetail = detail;
    }
    parser.abandon();
  }
}
