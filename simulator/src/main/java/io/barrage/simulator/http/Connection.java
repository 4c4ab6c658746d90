package io.barrage.simulator.http;

import io.barrage.common.tls.TlsCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.LongConsumer;
import javax.net.ssl.SSLException;

/**
 * One client connection of the {@link SimHttpServer}. Reading and request parsing happen on the
 * connection's event loop; responses are written from any thread (the loop, the engine's
 * scheduling thread, the timer), under this object's lock: straight to the socket when nothing is
 * queued, otherwise behind what is queued, which the loop flushes when the socket is writable.
 * Every write can carry a callback that receives the {@link System#nanoTime()} taken just before the
 * {@code write} call that handed its last byte to the kernel (the simulator's ground truth: no client
 * can have read those bytes earlier).
 *
 * <p>https: the connection's {@link TlsCodec} decrypts on the loop and encrypts in {@link #write}
 * (the handshake's own messages go out through the same queue), both under this object's lock, so
 * records leave in the order their plaintext was written.
 */
final class Connection {
  private static final int MAX_HEAD = 64 * 1024;
  private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  final SimHttpServer server;
  final SimHttpServer.Loop loop;
  final SocketChannel ch;
  /** The TLS layer (https), else null; used under this object's lock. */
  private final TlsCodec tls;
  SelectionKey key;

  // ---- loop thread only
  private ByteBuffer in = ByteBuffer.allocate(8 * 1024);
  private volatile Exchange current;
  private boolean continueSent;
  private long readNanos;
  /** Part of a request (or of the TLS handshake) is buffered, the rest has not arrived yet. */
  private boolean partial;
  /** When the first byte of that partial request arrived (valid while {@link #partial}). */
  private long partialSince;
  /** When bytes last arrived or the last response ended (the start of an idle keep-alive wait). */
  private long idleSince = System.nanoTime();
  /** https: the handshake has completed. */
  private boolean handshaken;

  // ---- guarded by this
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private boolean closed;
  private boolean closeWhenFlushed;
  private int holds;

  private record Pending(ByteBuffer bytes, LongConsumer onWritten) {}

  Connection(SimHttpServer server, SimHttpServer.Loop loop, SocketChannel ch) throws SSLException {
    this.server = server;
    this.loop = loop;
    this.ch = ch;
    this.tls = server.tls == null ? null : new TlsCodec(server.tls.engine());
  }

  // ------------------------------------------------------------------ reading (loop thread)

  /**
   * Reads what the socket has (loop thread) and notes when; returns true when there may be a
   * request to parse. The loop reads every ready socket before it handles any request, so a
   * request's arrival instant is when its bytes were read, not when the requests read before it
   * in the same round had been handled.
   */
  boolean fill() {
    if (!in.hasRemaining()) {
      if (current != null) {
        // a response is still going out and the client has pipelined more than we buffer: stop
        // reading until it is done (TCP pushes back)
        key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
        return false;
      }
      grow(in.capacity() * 2);
    }
    if (tls != null) return fillTls();
    int n;
    try {
      n = ch.read(in);
    } catch (IOException e) {
      close();
      return false;
    }
    if (n < 0) {
      close();
      return false;
    }
    readNanos = System.nanoTime();
    track(readNanos);
    return current == null;
  }

  /**
   * Notes at {@code now} what the buffer holds: the clock of a partial request starts with its first
   * byte (a client that trickles a head byte by byte does not reset it), and the idle clock restarts.
   */
  private void track(long now) {
    idleSince = now;
    boolean buffered = in.position() > 0 || (tls != null && !handshaken);
    if (!buffered) {
      partial = false;
    } else if (!partial) {
      partial = true;
      partialSince = now;
    }
  }

  /** {@link #fill()} over TLS: read ciphertext, note when, then shake hands or decrypt into {@code in}. */
  private boolean fillTls() {
    int n;
    ByteBuffer handshakeOut = null;
    try {
      synchronized (this) {
        if (closed) return false;
        n = ch.read(tls.inbound());
        if (n > 0) {
          readNanos = System.nanoTime();
          if (tls.handshake()) {
            // the handshake had its own clock; the request's starts with its first decrypted byte
            if (!handshaken) partial = false;
            handshaken = true;
            do {
              if (in.remaining() < tls.engine().getSession().getApplicationBufferSize()) {
                grow(in.capacity() + tls.engine().getSession().getApplicationBufferSize());
              }
              tls.unwrap(in);
            } while (tls.moreInbound());
          }
          if (tls.hasOutbound()) handshakeOut = tls.takeOutbound();
        }
      }
    } catch (IOException e) {
      close();
      return false;
    }
    if (handshakeOut != null && !send(handshakeOut, null)) return false;
    if (n < 0 || tls.inboundClosed()) {
      close();
      return false;
    }
    if (n > 0) track(readNanos);
    return n > 0 && current == null;
  }

  /** Parses and hands on what {@link #fill()} read (loop thread). */
  void process() {
    if (current == null && !isClosed()) parse(readNanos);
  }

  private void grow(int capacity) {
    ByteBuffer b = ByteBuffer.allocate(capacity);
    in.flip();
    b.put(in);
    in = b;
  }

  /** Parses as many complete requests as are buffered, one at a time (a response must finish first). */
  private void parse(long now) {
    while (current == null && !isClosed()) {
      byte[] buf = in.array();
      int len = in.position();
      int headEnd = headEnd(buf, len);
      if (headEnd < 0) {
        if (len >= MAX_HEAD) fail(431, "Request Header Fields Too Large");
        else if (in.capacity() < MAX_HEAD && !in.hasRemaining()) grow(Math.min(MAX_HEAD, in.capacity() * 2));
        return;
      }
      RequestHead head;
      try {
        head = RequestHead.parse(buf, headEnd);
      } catch (IllegalArgumentException e) {
        fail(400, "Bad Request: " + e.getMessage());
        return;
      }
      byte[] body;
      int consumed;
      if (head.chunked()) {
        ChunkedBody.Result r;
        try {
          r = ChunkedBody.decode(buf, headEnd, len, server.maxBody);
        } catch (IllegalArgumentException e) {
          fail(e.getMessage().startsWith("length limit") ? 413 : 400, e.getMessage().startsWith("length limit")
              ? "Failed to buffer the request body: length limit exceeded" : "Bad Request: " + e.getMessage());
          return;
        }
        if (r == null) {
          needMore(head, headEnd + 64 * 1024);
          return;
        }
        body = r.body();
        consumed = r.end();
      } else {
        long cl = head.contentLength();
        if (cl > server.maxBody) {
          fail(413, "Failed to buffer the request body: length limit exceeded");
          return;
        }
        if (len < headEnd + cl) {
          needMore(head, headEnd + (int) cl);
          return;
        }
        body = new byte[(int) cl];
        System.arraycopy(buf, headEnd, body, 0, (int) cl);
        consumed = headEnd + (int) cl;
      }
      // drop the request from the buffer (keeps any pipelined bytes after it)
      in.flip();
      in.position(consumed);
      in.compact();
      partial = false;
      continueSent = false;
      Exchange ex = new Exchange(this, head, body, now);
      current = ex;
      try {
        server.handler.handle(ex);
      } catch (RuntimeException e) {
        org.slf4j.LoggerFactory.getLogger(Connection.class).warn("simulator handler failed: {}", e.toString(), e);
        if (!ex.isStarted()) ex.respond(500, List.of(), "text/plain; charset=UTF-8",
            "Internal Server Error".getBytes(StandardCharsets.UTF_8), null);
      }
    }
  }

  /** The head is complete, the body is not: make room for it and answer {@code Expect: 100-continue}. */
  private void needMore(RequestHead head, int total) {
    if (in.capacity() < total) grow(Math.max(total, in.capacity() * 2));
    if (head.expectContinue() && !continueSent) {
      continueSent = true;
      write(CONTINUE, null);
    }
  }

  private void fail(int status, String message) {
    byte[] body = message.getBytes(StandardCharsets.UTF_8);
    write(Exchange.head(status, List.of(), "text/plain; charset=utf-8", body.length, true), null);
    write(body, null);
    closeWhenFlushed();
  }

  /** Offsets just past the blank line that ends the head, or -1. */
  private static int headEnd(byte[] b, int len) {
    for (int i = 3; i < len; i++) {
      if (b[i] == '\n') {
        if (b[i - 1] == '\n') return i + 1;
        if (b[i - 1] == '\r' && b[i - 2] == '\n') return i + 1;
      }
    }
    return -1;
  }

  /** The exchange's response is complete: go on with the next request, or close. */
  void exchangeDone(Exchange ex) {
    loop.execute(() -> {
      if (current != ex) return;
      current = null;
      if (!ex.head().keepAlive()) {
        closeWhenFlushed();
        return;
      }
      if (key.isValid() && (key.interestOps() & SelectionKey.OP_READ) == 0) {
        key.interestOps(key.interestOps() | SelectionKey.OP_READ);
      }
      // a request already buffered (pipelined) arrived when it was read
      parse(readNanos);
      // what is left of a pipelined request has had no chance to complete before now
      partial = false;
      track(System.nanoTime());
    });
  }

  /**
   * The event loop's sweep (loop thread): closes this connection when part of a request has been
   * waiting for the rest longer than the head timeout (answered 408 first once the head or body has
   * begun; a stalled TLS handshake is just closed), or when it has sat idle between requests longer
   * than the idle timeout. A connection with a request in flight (its response queued, waiting for
   * the engine, or streaming) is never closed here, however long that takes.
   */
  void expire(long now) {
    if (current != null || isClosed()) return;
    ConnectionPolicy policy = server.policy;
    if (partial) {
      if (now - partialSince <= policy.headTimeout().toNanos()) return;
      if (in.position() > 0) {
        byte[] body = "Request Timeout".getBytes(StandardCharsets.UTF_8);
        write(Exchange.head(408, List.of(), "text/plain; charset=utf-8", body.length, true), null);
        write(body, null);
      }
      close();
      return;
    }
    synchronized (this) {
      // a response still draining to a slow reader, or a close already on its way
      if (!pending.isEmpty() || holds > 0 || closeWhenFlushed) return;
    }
    if (now - idleSince > policy.idleTimeout().toNanos()) close();
  }

  // ------------------------------------------------------------------ writing (any thread)

  /**
   * Writes {@code bytes} after whatever is queued; {@code onWritten} (may be null) gets the instant
   * just before the write that handed the last byte to the kernel. Returns false when the
   * connection is closed.
   */
  boolean write(byte[] bytes, LongConsumer onWritten) {
    synchronized (this) {
      if (closed) return false;
      ByteBuffer b = ByteBuffer.wrap(bytes);
      if (tls != null) {
        try {
          tls.wrap(b);
        } catch (SSLException e) {
          b = null;
        }
        if (b != null) return send(tls.takeOutbound(), onWritten);
      } else {
        return send(b, onWritten);
      }
    }
    close();
    return false;
  }

  /** Writes {@code b} (what goes on the wire) after whatever is queued; see {@link #write}. */
  private boolean send(ByteBuffer b, LongConsumer onWritten) {
    boolean failed = false;
    synchronized (this) {
      if (closed) return false;
      if (holds == 0 && pending.isEmpty()) {
        long t = System.nanoTime();
        try {
          ch.write(b);
        } catch (IOException e) {
          failed = true;
        }
        if (!failed) {
          if (!b.hasRemaining()) {
            if (onWritten != null) onWritten.accept(t);
            return true;
          }
          pending.add(new Pending(b, onWritten));
          wantWrite();
          return true;
        }
      } else {
        pending.add(new Pending(b, onWritten));
        return true;
      }
    }
    close();
    return false;
  }

  /** Holds writes back (queued, in order) until {@link #release()}. */
  synchronized void hold() {
    holds++;
  }

  void release() {
    boolean failed;
    boolean done;
    synchronized (this) {
      holds--;
      failed = holds == 0 && !flushLocked();
      done = pending.isEmpty() && holds == 0 && closeWhenFlushed;
    }
    if (failed || done) close();
  }

  /** Closes the connection once everything queued is written (no further responses). */
  void closeWhenFlushed() {
    boolean now;
    synchronized (this) {
      if (closed) return;
      closeWhenFlushed = true;
      now = pending.isEmpty() && holds == 0;
    }
    if (now) close();
  }

  void flushFromLoop() {
    boolean failed;
    boolean done;
    synchronized (this) {
      if (closed) return;
      failed = !flushLocked();
      done = pending.isEmpty() && holds == 0 && closeWhenFlushed;
    }
    if (failed || done) close();
  }

  /** Writes what is queued while the socket takes it; false when the socket failed. */
  private boolean flushLocked() {
    if (closed) return true;
    while (holds == 0 && !pending.isEmpty()) {
      Pending p = pending.peekFirst();
      long t = System.nanoTime();
      try {
        ch.write(p.bytes());
      } catch (IOException e) {
        return false;
      }
      if (p.bytes().hasRemaining()) {
        wantWrite();
        return true;
      }
      pending.pollFirst();
      if (p.onWritten() != null) p.onWritten().accept(t);
    }
    if (pending.isEmpty() && key.isValid() && (key.interestOps() & SelectionKey.OP_WRITE) != 0) {
      key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
    }
    return true;
  }

  private void wantWrite() {
    if (key.isValid() && (key.interestOps() & SelectionKey.OP_WRITE) == 0) {
      key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
      loop.wakeup();
    }
  }

  synchronized boolean isClosed() {
    return closed;
  }

  /** Closes the socket now; an exchange still in progress learns that its client is gone. */
  void close() {
    Exchange ex;
    synchronized (this) {
      if (closed) return;
      closed = true;
      pending.clear();
      ex = current;
    }
    if (key != null) key.cancel();
    SimHttpServer.closeQuietly(ch);
    loop.forget(this);
    if (ex != null) ex.connectionClosed();
  }
}
