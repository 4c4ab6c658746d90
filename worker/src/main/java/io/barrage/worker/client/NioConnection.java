package io.barrage.worker.client;

import io.barrage.common.tls.TlsCodec;
import io.barrage.protocol.metrics.ErrorClass;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * One keep-alive HTTP/1.1 connection and the request on it (at most one: no pipelining), driven
 * entirely by its {@link EventLoop}'s thread. It is a {@link Transport.Lane}: a closed-loop virtual
 * user owns one for the whole step, so N concurrent streams are N connections; it (re)connects on
 * demand when the server closed it or a request failed on it.
 *
 * <p>Lifecycle: CLOSED → CONNECTING (TCP connect, then the TLS handshake on https) → BUSY (request
 * written, response read) → IDLE (keep-alive) → BUSY ... An IDLE connection is checked before it is
 * reused ({@link IdleCheck#stillOpen}): a non-blocking read that finds the server's FIN (or RST, or on https
 * its close_notify) already in the socket, which the selector may not have reported yet, closes it
 * and the request goes out on a fresh one. A request that still fails on a reused connection before
 * any byte of its response arrived (the write fails, a reset, a TLS error, an end of stream) was not
 * answered by the server: it is sent once more on a fresh connection and counted in {@link
 * RequestTrace#retries}, not as an error. {@code Connection: close} and HTTP/1.0 responses end the
 * connection ({@link Http1ResponseParser}).
 *
 * <p>Timing: {@code connectStart}/{@code connectEnd} bracket the opening of a new connection: from
 * before the TCP connect to the end of the TLS handshake on https (curl's {@code time_appconnect}),
 * to {@code finishConnect} on http; {@code tSend} is taken right before the {@code write} that hands
 * the request's first byte (on https: the first ciphertext byte of the request) to the kernel, so
 * neither the connect nor a retry is inside TTFT or e2e (they are in the send lag); each body piece
 * carries the {@code System.nanoTime()} taken right after the {@code read()} that returned it (on
 * https: the read of the ciphertext, before decrypting; every record decrypted from that read carries
 * that time), and the SSE parser runs on those bytes in place.
 *
 * <p>TLS ({@code https://}, {@link TlsCodec}): the connect timeout covers the TCP connect and the
 * handshake together. A failed handshake is a {@link ErrorClass#TLS} error, decided by the exception
 * type ({@link SSLException}), never by its message. TLS 1.3 post-handshake messages (session
 * tickets, key updates) decrypt to nothing: they are neither a response nor a sign of a closed
 * connection.
 *
 * <p>Failures are data: connect errors, resets, malformed bytes and the three timeouts end the
 * request with their {@link ErrorClass} and close the connection; the loop is never affected.
 */
final class NioConnection implements Transport.Lane {
  private enum State { CLOSED, CONNECTING, IDLE, BUSY }

  private final EventLoop loop;
  private final NioTransport transport;
  private final ResponseReader response;
  int activeIndex = -1;
  private SocketChannel channel;
  private boolean counted; // channel is counted in the loop's open connections
  /** The TLS layer of the current connection (https), else null. */
  private TlsCodec tls;
  private SelectionKey key;
  private State state = State.CLOSED;
  private boolean closeWhenIdle;

  // the current exchange
  private RequestTrace trace;
  private Consumer<RequestTrace> onSent;
  private Consumer<RequestTrace> onDone;
  private boolean sentReported;
  private ByteBuffer out;
  /** The current attempt runs on a connection that carried an earlier request. */
  private boolean reused;
  /** A byte of the response to the current attempt has arrived. */
  private boolean responseStarted;
  /** When the current attempt began (the base of its timeouts until its first byte is written). */
  private long attemptStart;
  private long connectDeadline;

  NioConnection(EventLoop loop, NioTransport transport) {
    this.loop = loop;
    this.transport = transport;
    this.response = new ResponseReader(transport);
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

  private void start(String requestId, byte[] requestBody, RequestTrace t, Consumer<RequestTrace> sent, Consumer<RequestTrace> done) {
    if (state == State.BUSY || state == State.CONNECTING) { // a caller bug; never lose the request silently
      failLater(t, sent, done, ErrorClass.CLIENT, "connection already has a request in flight");
      return;
    }
    trace = t;
    onSent = sent;
    onDone = done;
    sentReported = false;
    out = transport.encode(requestId, requestBody);
    t.lastTokenNanos(System.nanoTime());
    if (state == State.IDLE) {
      if (IdleCheck.stillOpen(channel, tls, loop.readBuffer)) {
        beginAttempt(true);
        state = State.BUSY;
        write();
        return;
      }
      closeChannel(); // the server closed it while it was idle: do not write into a dead socket
    }
    connect();
  }

  /** Resets what one attempt of the current request accumulates (a retry starts over). */
  private void beginAttempt(boolean onReused) {
    reused = onReused;
    responseStarted = false;
    attemptStart = System.nanoTime();
    out.rewind();
    response.begin(trace);
    loop.track(this, Math.min(checkFrom(trace), Deadlines.plus(attemptStart, transport.connectTimeoutNanos)));
  }

  /** Opens a new connection for the current request; {@link #connected()} writes it once it is up. */
  private void connect() {
    beginAttempt(false);
    long now = attemptStart;
    trace.connectStart = now;
    trace.connectEnd = -1;
    connectDeadline = Deadlines.plus(now, transport.connectTimeoutNanos);
    try {
      channel = SocketChannel.open();
      counted = true;
      loop.openConnections++; // loop thread only
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true); // Nagle + delayed ACK would hold requests back
      channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
      state = State.CONNECTING;
      if (channel.connect(transport.address)) {
        key = channel.register(loop.selector, 0, this);
        tcpConnected();
      } else {
        key = channel.register(loop.selector, SelectionKey.OP_CONNECT, this);
      }
    } catch (IOException | RuntimeException e) {
      // deliver on the next loop turn: a caller that sends again from onDone must not recurse
      RequestTrace failed = trace;
      Consumer<RequestTrace> sent = sentReported ? null : onSent;
      Consumer<RequestTrace> cb = onDone;
      clearExchange();
      closeChannel();
      failLater(failed, sent, cb, ErrorClass.CONNECT, describe(e));
    }
  }

  /** The TCP connection is up: send the request, or first shake hands (https). */
  private void tcpConnected() {
    if (transport.tls == null) {
      connected();
      return;
    }
    try {
      tls = new TlsCodec(transport.tls.engine());
    } catch (SSLException e) {
      end(ErrorClass.TLS, "TLS handshake failed: " + describe(e), System.nanoTime(), true);
      return;
    }
    handshake(false);
  }

  /** Moves the TLS handshake on (reading first when the socket is readable); sends the request once it is done. */
  private void handshake(boolean readable) {
    try {
      if (readable && channel.read(tls.inbound()) < 0) {
        end(ErrorClass.TLS, "TLS handshake failed: the server closed the connection during the handshake", System.nanoTime(), true);
        return;
      }
      boolean done = tls.handshake();
      boolean flushed = tls.flush(channel);
      if (done && flushed) {
        connected();
        return;
      }
      key.interestOps(flushed ? SelectionKey.OP_READ : SelectionKey.OP_READ | SelectionKey.OP_WRITE);
    } catch (SSLException e) {
      end(ErrorClass.TLS, "TLS handshake failed: " + describe(e), System.nanoTime(), true);
    } catch (IOException e) {
      end(ErrorClass.CONNECT, describe(e), System.nanoTime(), true);
    }
  }

  /**
   * The new connection is up (on https: the TLS handshake is complete too): the span since {@code
   * connectStart} is this connection's {@code connect} sample; the request goes out.
   */
  private void connected() {
    trace.connectEnd = System.nanoTime();
    state = State.BUSY;
    transport.events.connected(trace);
    write();
  }

  /** The request's first byte was just handed to the kernel at {@code nanos}. */
  private void sent(long nanos) {
    RequestTrace t = trace;
    t.tSend = nanos;
    t.lastTokenNanos(nanos);
    loop.track(this, checkFrom(t));
    if (!sentReported) {
      sentReported = true;
      onSent.accept(t);
    }
  }

  /** An exception's message for the error detail (its type when it has none). */
  static String describe(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  private void failLater(RequestTrace t, Consumer<RequestTrace> sent, Consumer<RequestTrace> done, ErrorClass cls, String detail) {
    loop.submit(() -> {
      if (t.failAndFinish(cls, detail, System.nanoTime())) {
        if (sent != null) sent.accept(t);
        done.accept(t);
      }
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
        end(ErrorClass.CONNECT, describe(e), System.nanoTime(), true);
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

  private void write() {
    try {
      response.expect();
      boolean pending;
      if (tls == null) {
        boolean first = out.position() == 0;
        long nanos = System.nanoTime(); // just before the write that hands the first byte over
        channel.write(out);
        if (first && out.position() > 0) sent(nanos);
        pending = out.hasRemaining();
      } else {
        boolean first = trace.tSend < 0;
        if (out.hasRemaining()) tls.wrap(out); // all of it, into ciphertext
        int queued = tls.outboundBytes();
        long nanos = System.nanoTime(); // just before the write that hands the first ciphertext byte over
        pending = !tls.flush(channel);
        if (first && tls.outboundBytes() < queued) sent(nanos);
      }
      key.interestOps(pending ? SelectionKey.OP_WRITE | SelectionKey.OP_READ : SelectionKey.OP_READ);
    } catch (IOException e) { // SSLException included
      failBeforeAnswer(describe(e), System.nanoTime());
    }
  }

  /**
   * The connection failed (write error, reset, end of stream) before the response was complete. On a
   * reused connection with no response byte yet, the server never answered this request: send it
   * once more on a fresh connection. Otherwise it is a {@code reset}.
   */
  private void failBeforeAnswer(String detail, long nanos) {
    if (reused && !responseStarted && trace != null) {
      trace.retries++;
      trace.tSend = -1;
      boolean closeAfter = closeWhenIdle; // a close asked for while busy still applies after the retry
      closeChannel();
      closeWhenIdle = closeAfter;
      connect();
      return;
    }
    end(ErrorClass.RESET, detail, nanos, true);
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
      if (state == State.BUSY) failBeforeAnswer(describe(e), System.nanoTime());
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
   * every whole record read so far, each piece with that time. A session ticket or key update
   * decrypts to nothing: not a response, and on an idle connection not a reason to close it.
   */
  private void readTls() {
    int n;
    try {
      n = channel.read(tls.inbound());
    } catch (IOException e) {
      if (state == State.BUSY) failBeforeAnswer(describe(e), System.nanoTime());
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
    } catch (IOException e) { // SSLException included: a bad record, an alert
      if (state == State.BUSY) failBeforeAnswer("TLS: " + describe(e), nanos);
      else closeChannel();
      return;
    }
    if (n < 0 || tls.inboundClosed()) {
      if (state == State.BUSY) endOfStream(nanos);
      else closeChannel(); // the server closed an idle keep-alive connection
    }
  }

  private void endOfStream(long nanos) {
    if (response.endOfStream(nanos)) finishExchange(false);
    else failBeforeAnswer("connection closed by the server before the response ended", nanos);
  }

  /** Response bytes read at {@code nanos}; returns false when they ended the exchange. */
  private boolean deliver(byte[] bytes, int n, long nanos) {
    responseStarted = true;
    switch (response.feed(bytes, n, nanos)) {
      case MORE:
        return true;
      case FAILED:
        end(response.error(), response.errorDetail(), nanos, true);
        return false;
      case COMPLETE_REUSABLE:
        finishExchange(true);
        return false;
      default:
        finishExchange(false);
        return false;
    }
  }

  // ---- ends ----

  private void finishExchange(boolean reusable) {
    long nanos = response.completeNanos();
    if (!response.interpret()) end(response.error(), response.errorDetail(), nanos, true);
    else end(null, null, nanos, !reusable);
  }

  /** Ends the current request (at most once), frees or closes the connection, then tells the step. */
  private void end(ErrorClass cls, String detail, long nanos, boolean close) {
    RequestTrace t = trace;
    Consumer<RequestTrace> sent = sentReported ? null : onSent;
    Consumer<RequestTrace> cb = onDone;
    clearExchange();
    if (close || closeWhenIdle) {
      closeChannel();
    } else {
      state = State.IDLE; // still reading: an idle connection notices the server closing it
    }
    if (t == null) return;
    boolean first = cls != null ? t.failAndFinish(cls, detail, nanos) : t.finish(nanos);
    if (first) {
      if (sent != null) sent.accept(t);
      cb.accept(t);
    }
  }

  private void clearExchange() {
    loop.untrack(this);
    trace = null;
    onSent = null;
    onDone = null;
    out = null;
  }

  /**
   * Timeout scan (loop thread): while connecting, the connect timeout; once the request is written,
   * total, then first-token / idle, all counted from {@code tSend}.
   */
  void checkTimeouts(long now) {
    RequestTrace t = trace;
    if (t == null) {
      loop.untrack(this);
      return;
    }
    if (state == State.CONNECTING) {
      if (now < connectDeadline) loop.track(this, connectDeadline);
      else if (tls != null) end(ErrorClass.TLS, "TLS handshake not complete within the connect timeout of " + transport.connectTimeoutNanos / 1_000_000 + " ms", now, true);
      else end(ErrorClass.CONNECT, "connect timed out after " + transport.connectTimeoutNanos / 1_000_000 + " ms", now, true);
      return;
    }
    ErrorClass cls = Deadlines.expired(transport, t, sendBase(t), now);
    if (cls != null) end(cls, cls.name(), now, true);
    else loop.track(this, checkFrom(t));
  }

  /** The request's send instant, or the start of the attempt while nothing is written yet. */
  private long sendBase(RequestTrace t) {
    return t.tSend >= 0 ? t.tSend : attemptStart;
  }

  private long checkFrom(RequestTrace t) {
    return Deadlines.checkFrom(transport, t, sendBase(t));
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
    response.abandon();
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
    if (counted) {
      counted = false;
      loop.openConnections--;
    }
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
