package io.barrage.simulator.http;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;

/**
 * One request and its response on a {@link Connection}. The response is either whole
 * ({@link #respond}) or a chunked {@link Stream}; both may be produced from any thread. If the
 * connection goes away before the response is complete, the {@link #onClientGone} action runs once.
 */
public final class Exchange {
  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ENGLISH);
  private static volatile long dateSecond = -1;
  private static volatile String dateText = "";

  private final Connection conn;
  private final RequestHead head;
  private final byte[] body;
  private final long arrivalNanos;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean complete = new AtomicBoolean();
  private volatile Runnable onGone;
  private volatile boolean gone;

  Exchange(Connection conn, RequestHead head, byte[] body, long arrivalNanos) {
    this.conn = conn;
    this.head = head;
    this.body = body;
    this.arrivalNanos = arrivalNanos;
  }

  RequestHead head() {
    return head;
  }

  public String method() {
    return head.method();
  }

  public String path() {
    return head.path();
  }

  /** First value of a request header, any case; null when absent. */
  public String header(String name) {
    return head.header(name);
  }

  public byte[] body() {
    return body;
  }

  /** When the last byte of the request was read ({@link System#nanoTime()}). */
  public long arrivalNanos() {
    return arrivalNanos;
  }

  boolean isStarted() {
    return started.get();
  }

  /**
   * Runs {@code action} once if the client disconnects before the response is complete (at once,
   * when it already has).
   */
  public void onClientGone(Runnable action) {
    onGone = action;
    if (gone && !complete.get()) fireGone();
  }

  void connectionClosed() {
    gone = true;
    if (!complete.get()) fireGone();
  }

  private void fireGone() {
    Runnable r = onGone;
    if (r != null && complete.compareAndSet(false, true)) r.run();
  }

  /**
   * Runs {@code r} on this connection's event loop after the next {@link SimHttpServer#flush()}:
   * the engine hands a step's token events over this way, and everything handed over for one
   * exchange runs in order on one thread.
   */
  public void later(Runnable r) {
    conn.loop.submitLazy(r);
  }

  /**
   * Holds this response's bytes back until {@code nanos} (a slow-headers fault): what is written
   * meanwhile is queued in order and goes out then.
   */
  public void holdUntil(long nanos) {
    long delay = nanos - System.nanoTime();
    if (delay <= 0) return;
    conn.hold();
    conn.server.timer.schedule(conn::release, delay, TimeUnit.NANOSECONDS);
  }

  /** Sends a whole response; {@code onWritten} (may be null) gets the instant its last byte was written. */
  public void respond(int status, List<String[]> headers, String contentType, byte[] content, LongConsumer onWritten) {
    if (!started.compareAndSet(false, true)) throw new IllegalStateException("response already started");
    byte[] h = head(status, headers, contentType, content.length, !head.keepAlive());
    byte[] all = new byte[h.length + content.length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(content, 0, all, h.length, content.length);
    conn.write(all, onWritten);
    if (complete.compareAndSet(false, true)) conn.exchangeDone(this);
  }

  /** Starts a chunked response; {@code onHeadWritten} (may be null) gets the instant the head was written. */
  public Stream stream(int status, List<String[]> headers, String contentType, LongConsumer onHeadWritten) {
    if (!started.compareAndSet(false, true)) throw new IllegalStateException("response already started");
    ConnectionPolicy.AfterStream after = conn.server.policy.afterStream();
    List<String[]> h = headers;
    if (after == ConnectionPolicy.AfterStream.SILENT) { // what the imitated server says while it closes anyway
      h = new java.util.ArrayList<>(headers);
      h.add(new String[] {"keep-alive", "timeout=5, max=100"});
    }
    conn.write(head(status, h, contentType, -1, !head.keepAlive() || after == ConnectionPolicy.AfterStream.ANNOUNCED), onHeadWritten);
    return new Stream();
  }

  /**
   * A chunked response body in progress. Its methods may be called from several threads (the
   * engine's, the keep-alive timer's); they are serialized per stream, so nothing is ever written
   * after the terminating chunk.
   */
  public final class Stream {
    private static final byte[] LAST = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private volatile long lastWrite = System.nanoTime();
    private boolean ended;

    private Stream() {}

    /** Sends one chunk; {@code onWritten} (may be null) gets the instant it was written. False once the stream is over. */
    public synchronized boolean send(byte[] payload, LongConsumer onWritten) {
      if (ended) return false;
      if (payload.length == 0) return !conn.isClosed();
      lastWrite = System.nanoTime();
      return conn.write(chunk(payload), onWritten);
    }

    /** When a chunk was last sent. */
    public long lastWriteNanos() {
      return lastWrite;
    }

    /**
     * Ends the body (the terminating chunk); the connection goes on with the next request, or is
     * closed right after that chunk when the server's {@link ConnectionPolicy} says so.
     */
    public synchronized void end() {
      if (ended) return;
      ended = true;
      if (!complete.compareAndSet(false, true)) return;
      conn.write(LAST, null);
      if (conn.server.policy.afterStream() != ConnectionPolicy.AfterStream.KEEP) conn.closeWhenFlushed();
      else conn.exchangeDone(Exchange.this);
    }

    /** Drops the connection once what was sent so far is written: the body stays unterminated. */
    public synchronized void drop() {
      if (ended) return;
      ended = true;
      if (!complete.compareAndSet(false, true)) return;
      conn.closeWhenFlushed();
    }

    public boolean isOpen() {
      return !complete.get() && !conn.isClosed();
    }
  }

  static byte[] chunk(byte[] payload) {
    String size = Integer.toHexString(payload.length);
    byte[] out = new byte[size.length() + 2 + payload.length + 2];
    int i = 0;
    for (int k = 0; k < size.length(); k++) out[i++] = (byte) size.charAt(k);
    out[i++] = '\r';
    out[i++] = '\n';
    System.arraycopy(payload, 0, out, i, payload.length);
    i += payload.length;
    out[i++] = '\r';
    out[i] = '\n';
    return out;
  }

  /** The status line and headers; a negative length means chunked. */
  static byte[] head(int status, List<String[]> headers, String contentType, long length, boolean close) {
    StringBuilder b = new StringBuilder(256);
    b.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
    if (contentType != null) b.append("content-type: ").append(contentType).append("\r\n");
    for (String[] h : headers) b.append(h[0]).append(": ").append(h[1]).append("\r\n");
    if (length >= 0) b.append("content-length: ").append(length).append("\r\n");
    else b.append("transfer-encoding: chunked\r\n");
    if (close) b.append("connection: close\r\n");
    b.append("date: ").append(date()).append("\r\n\r\n");
    return b.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String date() {
    long s = System.currentTimeMillis() / 1000;
    if (s != dateSecond) {
      dateText = HTTP_DATE.format(ZonedDateTime.ofInstant(java.time.Instant.ofEpochSecond(s), ZoneOffset.UTC));
      dateSecond = s;
    }
    return dateText;
  }

  static String reason(int status) {
    return switch (status) {
      case 100 -> "Continue";
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 408 -> "Request Timeout";
      case 411 -> "Length Required";
      case 413 -> "Payload Too Large";
      case 415 -> "Unsupported Media Type";
      case 422 -> "Unprocessable Entity";
      case 424 -> "Failed Dependency";
      case 429 -> "Too Many Requests";
      case 431 -> "Request Header Fields Too Large";
      case 500 -> "Internal Server Error";
      case 503 -> "Service Unavailable";
      default -> "Status " + status;
    };
  }
}
