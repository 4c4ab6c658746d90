package io.barrage.worker.client;

import io.barrage.protocol.metrics.ErrorClass;
import io.barrage.protocol.tls.TlsCodec;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * One keep-alive HTTP/1.1 connection and the request on it (at most one: no pipelining), driven
 * entirely by its {@link EventLoop}'s thread. It is a {@link Transport.Lane}: a closed-loop virtual
 * user owns one for the whole step, so N concurrent streams are N connections; it (re)connects on
 * demand when the server closed it or a request failed on it.
 *
 * <p>Timing: {@code tSend} is taken on the loop right before the request is written (after the
 * connect when the connection is new, which then counts in that request's latency like in any
 * client); each body piece carries the {@code System.nanoTime()} taken right after the {@code
 * read()} that returned it, and the SSE parser runs on those bytes in place.
 *
 * <p>TLS ({@code https://}): after the TCP connect the connection stays {@code CONNECTING} through
 * the handshake ({@link TlsCodec}; the connect timeout covers both), then the request is encrypted
 * and written as for HTTP. A read takes its {@code System.nanoTime()} right after the socket read of
 * the ciphertext, before decrypting: every record decrypted from that read carries the read's time,
 * exactly as the plaintext of an HTTP read does. A failed handshake is a {@link ErrorClass#TLS}
 * error, decided by the exception type ({@link SSLException}), never by its message.
 *
 * <p>Failures are data: connect errors, resets, malformed bytes and the three timeouts end the
 * request with their {@link ErrorClass} and close the connection; the loop is never affected.
 */
final class NioConnection implements Transport.Lane, Http1ResponseParser.Listener, SseParser.Listener {
  private enum State { CLOSED, CONNECTING, IDLE, BUSY }

  private final EventLoop loop;
  private final NioTransport transport;
  private final Http1ResponseParser parser = new Http1ResponseParser(this);
  private final SseParser sse;
  private final StreamEvent event = new StreamEvent();
  int activeIndex = -1;
  private SocketChannel channel;
  /** The TLS layer of the current connection (https), else null. */
  private TlsCodec tls;
  private SelectionKey key;
  private State state = State.CLOSED;
  private boolean closeWhenIdle;

  // the current exchange
  private RequestTrace trace;
  private Consumer<RequestTrace> onDone;
  private ByteBuffer out;
  private long connectDeadline;
  private boolean streaming;
  private boolean discard;
  private byte[] body = new byte[1024];
  private int bodyLen;
  private boolean responseComplete;
  private boolean keepAlive;
  private long completeNanos;
  private ErrorClass pendingError;
  private String pendingDetail;

  NioConnection(EventLoop loop, NioTransport transport) {
    this.loop = loop;
    this.transport = transport;
    this.sse = new SseParser(this, transport.maxLineBytes);
  }

  // ---- Lane ----

  @Override
  public void send(String requestId, byte[] requestBody, RequestTrace t, Consumer<RequestTrace> onSent, Consumer<RequestTrace> done) {
    loop.execute(() -> start(requestId, requestBody, t, onSent, done));
  }

  @Override
  public void close() {
    loop.execute(() -> {
      if (state == State.BUSY || state == State.CONNECTING) closeWhenIdle = true;
      else closeChannel();
    });
  }

  private void start(String requestId, byte[] requestBody, RequestTrace t, Consumer<RequestTrace> onSent, Consumer<RequestTrace> done) {
    long now = System.nanoTime();
    t.tSend = now;
    t.lastTokenNanos(now);
    onSent.accept(t);
    if (state == State.BUSY || state == State.CONNECTING) { // a caller bug; never lose the request silently
      failLater(t, done, ErrorClass.CLIENT, "connection already has a request in flight");
      return;
    }
    trace = t;
    onDone = done;
    out = transport.encode(requestId, requestBody);
    streaming = transport.api.streaming();
    discard = false;
    bodyLen = 0;
    responseComplete = false;
    pendingError = null;
    pendingDetail = null;
    sse.reset();
    loop.track(this, Math.min(checkFrom(t), plus(now, transport.connectTimeoutNanos)));
    if (state == State.IDLE) {
      state = State.BUSY;
      write();
      return;
    }
    try {
      channel = SocketChannel.open();
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true); // Nagle + delayed ACK would hold requests back
      channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
      connectDeadline = now + transport.connectTimeoutNanos;
      if (channel.connect(transport.address)) {
        key = channel.register(loop.selector, 0, this);
        state = State.CONNECTING;
        tcpConnected();
      } else {
        key = channel.register(loop.selector, SelectionKey.OP_CONNECT, this);
        state = State.CONNECTING;
      }
    } catch (IOException | RuntimeException e) {
      // deliver on the next loop turn: a caller that sends again from onDone must not recurse
      RequestTrace failed = trace;
      Consumer<RequestTrace> cb = onDone;
      clearExchange();
      closeChannel();
      failLater(failed, cb, ErrorClass.CONNECT, String.valueOf(e.getMessage()));
    }
  }

  private void failLater(RequestTrace t, Consumer<RequestTrace> done, ErrorClass cls, String detail) {
    loop.submit(() -> {
      if (t.failAndFinish(cls, detail, System.nanoTime())) done.accept(t);
    });
  }

  // ---- loop events ----

  void onReady(SelectionKey k) {
    if (!k.isValid()) return;
    int ready = k.readyOps();
    if ((ready & SelectionKey.OP_CONNECT) != 0) {
      try {
        if (!channel.finishConnect()) return;
      } catch (IOException e) {
        end(ErrorClass.CONNECT, String.valueOf(e.getMessage()), System.nanoTime(), true);
        return;
      }
      tcpConnected();
      return;
    }
    if (state == State.CONNECTING) { // the TLS handshake
      handshake((ready & SelectionKey.OP_READ) != 0);
      return;
    }
    if ((ready & SelectionKey.OP_WRITE) != 0) {
      write();
      if (!k.isValid()) return;
    }
    if ((ready & SelectionKey.OP_READ) != 0) read();
  }

  /** The TCP connection is up: send the request, or first shake hands (https). */
  private void tcpConnected() {
    if (transport.tls == null) {
      connected();
      return;
    }
    trace.tTlsStart = System.nanoTime();
    try {
      tls = new TlsCodec(transport.tls.engine());
    } catch (SSLException e) {
      end(ErrorClass.TLS, "TLS handshake failed: " + e.getMessage(), System.nanoTime(), true);
      return;
    }
    handshake(false);
  }

  /** Moves the TLS handshake on (reading first when the socket is readable); sends the request once it is done. */
  private void handshake(boolean readable) {
    try {
      if (readable) {
        int n = channel.read(tls.inbound());
        if (n < 0) {
          end(ErrorClass.TLS, "TLS handshake failed: the server closed the connection during the handshake", System.nanoTime(), true);
          return;
        }
      }
      boolean done = tls.handshake();
      boolean flushed = tls.flush(channel);
      if (done && flushed) {
        trace.tTlsEnd = System.nanoTime();
        connected();
        return;
      }
      key.interestOps(flushed ? SelectionKey.OP_READ : SelectionKey.OP_READ | SelectionKey.OP_WRITE);
    } catch (SSLException e) {
      end(ErrorClass.TLS, "TLS handshake failed: " + e.getMessage(), System.nanoTime(), true);
    } catch (IOException e) {
      end(ErrorClass.CONNECT, String.valueOf(e.getMessage()), System.nanoTime(), true);
    }
  }

  /** The new connection is ready for the request (TLS handshake done, for https): send it. */
  private void connected() {
    state = State.BUSY;
    write();
  }

  private void write() {
    try {
      if (!parser.inResponse()) parser.expectResponse();
      boolean pending;
      if (tls == null) {
        channel.write(out);
        pending = out.hasRemaining();
      } else {
        if (out.hasRemaining()) tls.wrap(out); // all of it, into ciphertext
        pending = !tls.flush(channel);
      }
      key.interestOps(pending ? SelectionKey.OP_WRITE | SelectionKey.OP_READ : SelectionKey.OP_READ);
    } catch (IOException e) {
      end(ErrorClass.RESET, String.valueOf(e.getMessage()), System.nanoTime(), true);
    }
  }

  private void read() {
    if (tls != null) {
      readTls();
      return;
    }
    ByteBuffer buf = loop.readBuffer;
    buf.clear();
    int n;
    try {
      n = channel.read(buf);
    } catch (IOException e) {
      if (state == State.BUSY) end(ErrorClass.RESET, String.valueOf(e.getMessage()), System.nanoTime(), true);
      else closeChannel();
      return;
    }
    long nanos = System.nanoTime(); // where the bytes arrive
    if (n == 0) return;
    if (state != State.BUSY) { // the server closed an idle keep-alive connection (or spoke out of turn)
      closeChannel();
      return;
    }
    if (n < 0) {
      endOfStream(nanos);
      return;
    }
    deliver(buf.array(), n, nanos);
  }

  /**
   * The https read: ciphertext into the connection's TLS buffer, the time, then the plaintext of
   * every whole record read so far, each piece with that time. A TLS 1.3 session ticket or key
   * update decrypts to nothing and is not a response.
   */
  private void readTls() {
    int n;
    try {
      n = channel.read(tls.inbound());
    } catch (IOException e) {
      if (state == State.BUSY) end(ErrorClass.RESET, String.valueOf(e.getMessage()), System.nanoTime(), true);
      else closeChannel();
      return;
    }
    long nanos = System.nanoTime(); // where the bytes arrive; decrypting below takes longer than this read
    if (n == 0) return;
    ByteBuffer plain = loop.readBuffer;
    try {
      do {
        plain.clear();
        int m = tls.unwrap(plain);
        if (m == 0) continue;
        if (state != State.BUSY) { // the server spoke out of turn
          closeChannel();
          return;
        }
        if (!deliver(plain.array(), m, nanos)) return;
      } while (tls.moreInbound());
      if (tls.hasOutbound()) tls.flush(channel); // a key update's answer (tiny: the socket takes it)
    } catch (SSLException e) {
      if (state == State.BUSY) end(ErrorClass.RESET, "TLS: " + e.getMessage(), nanos, true);
      else closeChannel();
      return;
    } catch (IOException e) {
      if (state == State.BUSY) end(ErrorClass.RESET, String.valueOf(e.getMessage()), nanos, true);
      else closeChannel();
      return;
    }
    if (n < 0 || tls.inboundClosed()) {
      if (state == State.BUSY) endOfStream(nanos);
      else closeChannel(); // the server closed an idle keep-alive connection
    }
  }

  private void endOfStream(long nanos) {
    if (parser.endOfStream(nanos)) finishExchange(false);
    else end(ErrorClass.RESET, "connection closed by the server before the response ended", nanos, true);
  }

  /** Response bytes read at {@code nanos}; returns false when they ended the exchange. */
  private boolean deliver(byte[] bytes, int n, long nanos) {
    int extra;
    try {
      extra = parser.feed(bytes, 0, n, nanos);
    } catch (Http1ResponseParser.ProtocolException e) {
      end(ErrorClass.MALFORMED, e.getMessage(), nanos, true);
      return false;
    }
    if (pendingError != null) {
      end(pendingError, pendingDetail, nanos, true);
      return false;
    }
    if (responseComplete) {
      finishExchange(keepAlive && extra == 0);
      return false;
    }
    return true;
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
    if (discard || pendingError != null) return;
    if (streaming) {
      try {
        sse.feed(buf, off, len, nanos);
      } catch (SseParser.LineTooLongException e) {
        malformed(e.getMessage());
      }
      return;
    }
    if (bodyLen + len > transport.maxBodyBytes) {
      malformed("response body over " + transport.maxBodyBytes + " bytes");
      return;
    }
    if (bodyLen + len > body.length) body = Arrays.copyOf(body, Math.max(bodyLen + len, body.length * 2));
    System.arraycopy(buf, off, body, bodyLen, len);
    bodyLen += len;
  }

  @Override
  public void onComplete(boolean reusable, long nanos) {
    responseComplete = true;
    keepAlive = reusable;
    completeNanos = nanos;
  }

  @Override
  public void onEvent(byte[] data, int offset, int length, long nanos) {
    if (pendingError != null) return;
    if (trace.error != null && trace.error != ErrorClass.STREAM_ERROR) return;
    try {
      event.read(data, offset, length);
      transport.api.onEvent(event, nanos, trace);
    } catch (IOException | RuntimeException e) {
      malformed("bad event: " + e.getMessage());
    }
  }

  private void malformed(String detail) {
    if (pendingError == null) {
      pendingError = ErrorClass.MALFORMED;
      pendingDetail = detail;
    }
    parser.abandon();
  }

  // ---- ends ----

  private void finishExchange(boolean reusable) {
    long nanos = completeNanos;
    if (!discard) {
      try {
        if (streaming) sse.finish(nanos);
        else transport.api.onBody(body, bodyLen, nanos, trace);
      } catch (IOException | RuntimeException e) {
        malformed(String.valueOf(e.getMessage()));
      }
      if (pendingError != null) {
        end(pendingError, pendingDetail, nanos, true);
        return;
      }
      if (trace.error == null && !trace.streamComplete) trace.fail(ErrorClass.TRUNCATED, "stream ended without its final event");
    }
    end(null, null, nanos, !reusable);
    if (body.length > 64 * 1024) body = new byte[1024]; // do not keep a large body buffer per idle connection
  }

  /** Ends the current request (at most once), frees or closes the connection, then tells the step. */
  private void end(ErrorClass cls, String detail, long nanos, boolean close) {
    RequestTrace t = trace;
    Consumer<RequestTrace> cb = onDone;
    clearExchange();
    if (close || closeWhenIdle) {
      closeChannel();
    } else {
      state = State.IDLE; // still reading: an idle connection notices the server closing it
    }
    if (t == null) return;
    boolean first = cls != null ? t.failAndFinish(cls, detail, nanos) : t.finish(nanos);
    if (first) cb.accept(t);
  }

  private void clearExchange() {
    loop.untrack(this);
    trace = null;
    onDone = null;
    out = null;
  }

  /** Timeout scan (loop thread): connect timeout, then total, then first-token / idle. */
  void checkTimeouts(long now) {
    RequestTrace t = trace;
    if (t == null) {
      loop.untrack(this);
      return;
    }
    if (state == State.CONNECTING && now >= connectDeadline) {
      if (tls != null) end(ErrorClass.TLS, "TLS handshake not complete within the connect timeout", now, true);
      else end(ErrorClass.CONNECT, "connect timeout", now, true);
      return;
    }
    ErrorClass cls = null;
    if (now - t.tSend >= transport.totalNanos) cls = ErrorClass.TOTAL_TIMEOUT;
    else if (t.tFirst < 0 && now - t.tSend >= transport.firstTokenNanos) cls = ErrorClass.FIRST_TOKEN_TIMEOUT;
    else if (t.tFirst >= 0 && now - t.lastTokenNanos() >= transport.idleNanos) cls = ErrorClass.IDLE_TIMEOUT;
    if (cls != null) end(cls, cls.name(), now, true);
    else loop.track(this, state == State.CONNECTING ? Math.min(checkFrom(t), connectDeadline) : checkFrom(t));
  }

  /**
   * The earliest instant at which a timeout of {@code t} could expire, given what is known now. It
   * only moves later as tokens arrive, so checking then (and re-arming) misses nothing. Before the
   * first token, the idle bound counts too: the first token turns the first-token timeout into the
   * idle one, which may be the shorter.
   */
  private long checkFrom(RequestTrace t) {
    long at = plus(t.tSend, transport.totalNanos);
    at = Math.min(at, plus(t.lastTokenNanos(), transport.idleNanos));
    if (t.tFirst < 0) at = Math.min(at, plus(t.tSend, transport.firstTokenNanos));
    return at;
  }

  private static long plus(long t, long d) {
    long r = t + d;
    return ((t ^ r) & (d ^ r)) < 0 ? Long.MAX_VALUE : r; // saturate instead of wrapping
  }

  /** A bug in a client or listener: fail this request, keep the loop. */
  void onUnexpected(RuntimeException e) {
    if (trace != null) end(ErrorClass.CLIENT, String.valueOf(e), System.nanoTime(), true);
    else closeChannel();
  }

  /** The loop is closing. */
  void shutdown() {
    if (trace != null) end(ErrorClass.RESET, "client shut down", System.nanoTime(), true);
    else closeChannel();
  }

  private void closeChannel() {
    closeWhenIdle = false;
    parser.abandon();
    if (key != null) key.cancel();
    if (tls != null && channel != null && channel.isConnected()) {
      tls.closeOutbound(); // close_notify, best effort: the socket closes right after
      try {
        tls.flush(channel);
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    tls = null;
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // already gone
      }
    }
    key = null;
    channel = null;
    state = State.CLOSED;
  }
}
