package io.barrage.common.tls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * The TLS layer of one non-blocking connection: an {@link SSLEngine} with its two ciphertext
 * buffers. The owner of the socket reads ciphertext into {@link #inbound()}, then either moves the
 * handshake on ({@link #handshake()}) or decrypts into its own plaintext buffer ({@link
 * #unwrap(ByteBuffer)}); plaintext to send is encrypted with {@link #wrap(ByteBuffer)} and the
 * ciphertext written with {@link #flush(SocketChannel)} (or taken out with {@link #takeOutbound()}
 * by a writer that queues buffers itself). Handshake messages the engine produces at any time (the
 * handshake itself, TLS 1.3 session tickets and key updates) land in the same outbound buffer.
 *
 * <p>Not thread-safe: one thread reads, and writes are serialised by the owner. Delegated tasks
 * (certificate checks) run inline on the calling thread.
 */
public final class TlsCodec {
  private final SSLEngine engine;
  private ByteBuffer in;  // ciphertext read, not yet decrypted (write mode)
  private ByteBuffer out; // ciphertext to send (write mode)
  private ByteBuffer scratch; // handshake-time plaintext (none is expected)
  private boolean moreInbound;
  private boolean inboundClosed;

  public TlsCodec(SSLEngine engine) throws SSLException {
    this.engine = engine;
    int packet = engine.getSession().getPacketBufferSize();
    this.in = ByteBuffer.allocate(packet);
    this.out = ByteBuffer.allocate(packet);
    engine.beginHandshake();
  }

  /** Where to read ciphertext into (write mode, with room). */
  public ByteBuffer inbound() {
    if (!in.hasRemaining()) in = grow(in, engine.getSession().getPacketBufferSize());
    return in;
  }

  /**
   * Moves the handshake on with the ciphertext read so far; what it has to send is queued (see
   * {@link #hasOutbound()}). Returns true once the handshake is complete.
   *
   * @throws SSLException the handshake failed (an {@link javax.net.ssl.SSLHandshakeException}
   *     for an untrusted certificate, a name mismatch, no common protocol or cipher)
   */
  public boolean handshake() throws SSLException {
    while (true) {
      switch (engine.getHandshakeStatus()) {
        case NOT_HANDSHAKING, FINISHED -> {
          return true;
        }
        case NEED_TASK -> runTasks();
        case NEED_WRAP -> wrapInto(ByteBuffer.allocate(0));
        case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
          if (scratch == null) scratch = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
          in.flip();
          SSLEngineResult r;
          try {
            r = engine.unwrap(in, scratch);
          } finally {
            in.compact();
          }
          switch (r.getStatus()) {
            case BUFFER_UNDERFLOW -> {
              return false; // wait for more bytes
            }
            case BUFFER_OVERFLOW -> scratch = grow(scratch, engine.getSession().getApplicationBufferSize());
            case CLOSED -> throw new SSLException("the server closed the connection during the TLS handshake");
            case OK -> {
              // next status
            }
          }
        }
      }
    }
  }

  /**
   * Decrypts the buffered ciphertext into {@code dst} (from its position) while whole records are
   * there and fit; returns the number of plaintext bytes added. {@link #moreInbound()} says whether
   * a whole record is still waiting because {@code dst} was full; {@link #inboundClosed()} whether
   * the peer sent its close_notify.
   */
  public int unwrap(ByteBuffer dst) throws SSLException {
    int start = dst.position();
    moreInbound = false;
    in.flip();
    try {
      while (in.hasRemaining()) {
        SSLEngineResult r = engine.unwrap(in, dst);
        if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
          moreInbound = true;
          break;
        }
        if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) break;
        if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
          inboundClosed = true;
          break;
        }
        if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) runTasks();
        if (engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
          in.compact();
          try {
            handshake(); // a post-handshake message that needs an answer (key update)
          } finally {
            in.flip();
          }
        }
        if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) break;
      }
    } finally {
      in.compact();
    }
    return dst.position() - start;
  }

  /** The last {@link #unwrap} stopped because its destination was full. */
  public boolean moreInbound() {
    return moreInbound;
  }

  /** The peer ended the TLS session (close_notify). */
  public boolean inboundClosed() {
    return inboundClosed;
  }

  /** Encrypts all of {@code src} into the outbound buffer. */
  public void wrap(ByteBuffer src) throws SSLException {
    while (src.hasRemaining()) {
      if (wrapInto(src).getStatus() == SSLEngineResult.Status.CLOSED) throw new SSLException("the TLS session is closed");
    }
  }

  /** Queues a close_notify (best effort; the socket is closed right after). */
  public void closeOutbound() {
    engine.closeOutbound();
    try {
      while (!engine.isOutboundDone()) {
        if (wrapInto(ByteBuffer.allocate(0)).bytesProduced() == 0) break;
      }
    } catch (SSLException ignored) {
      // closing anyway
    }
  }

  public boolean hasOutbound() {
    return out.position() > 0;
  }

  /** Ciphertext bytes queued and not yet written. */
  public int outboundBytes() {
    return out.position();
  }

  /** Writes queued ciphertext while the socket takes it; returns true when nothing is left. */
  public boolean flush(SocketChannel ch) throws IOException {
    if (out.position() == 0) return true;
    out.flip();
    try {
      ch.write(out);
    } finally {
      out.compact();
    }
    return out.position() == 0;
  }

  /** The queued ciphertext as a new buffer (read mode); the queue is empty afterwards. */
  public ByteBuffer takeOutbound() {
    out.flip();
    ByteBuffer b = ByteBuffer.allocate(out.remaining());
    b.put(out).flip();
    out.clear();
    return b;
  }

  public SSLEngine engine() {
    return engine;
  }

  private SSLEngineResult wrapInto(ByteBuffer src) throws SSLException {
    while (true) {
      SSLEngineResult r = engine.wrap(src, out);
      if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
        out = grow(out, engine.getSession().getPacketBufferSize());
        continue;
      }
      if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) runTasks();
      return r;
    }
  }

  private void runTasks() {
    Runnable t;
    while ((t = engine.getDelegatedTask()) != null) t.run();
  }

  private static ByteBuffer grow(ByteBuffer b, int by) {
    ByteBuffer n = ByteBuffer.allocate(b.capacity() + by);
    b.flip();
    n.put(b);
    return n;
  }
}
