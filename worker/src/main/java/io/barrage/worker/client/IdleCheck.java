package io.barrage.worker.client;

import io.barrage.common.tls.TlsCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Whether an idle keep-alive connection can still carry a request. The server's FIN or RST may
 * already be in the socket (it often comes in the same segment as the last chunk) before the
 * selector said so: one non-blocking read finds it, and the request then goes out on a fresh
 * connection instead of into a dead one.
 */
final class IdleCheck {
  private IdleCheck() {}

  /**
   * @param tls the connection's TLS layer on https, else null
   * @param scratch a buffer this call may overwrite
   */
  static boolean stillOpen(SocketChannel channel, TlsCodec tls, ByteBuffer scratch) {
    if (tls != null) return stillOpenTls(channel, tls, scratch);
    scratch.clear();
    try {
      return channel.read(scratch) == 0; // -1: closed; bytes: the server spoke out of turn
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * On https what is in the socket is decrypted first. Only the end of the stream, a reset, a
   * close_notify, a TLS error or application bytes (the server spoke out of turn) make it closed;
   * records that decrypt to nothing (a TLS 1.3 session ticket, a key update, whose answer is sent
   * here) do not, or every reuse would reconnect.
   */
  private static boolean stillOpenTls(SocketChannel channel, TlsCodec tls, ByteBuffer plain) {
    try {
      if (channel.read(tls.inbound()) < 0) return false;
      plain.clear();
      if (tls.unwrap(plain) > 0 || tls.inboundClosed()) return false;
      if (tls.hasOutbound()) tls.flush(channel);
      return true;
    } catch (IOException e) { // SSLException included
      return false;
    }
  }
}
