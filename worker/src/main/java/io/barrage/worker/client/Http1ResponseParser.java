package io.barrage.worker.client;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Incremental HTTP/1.1 response parser for one keep-alive connection: status line, headers, then a
 * body framed by {@code Content-Length}, {@code Transfer-Encoding: chunked} or the end of the
 * connection. Body bytes are handed to the {@link Listener} straight from the caller's read buffer
 * (no copy), with the {@code System.nanoTime()} of the read that brought them. Interim {@code 1xx}
 * responses are skipped. Not thread-safe: one event-loop thread feeds it.
 */
final class Http1ResponseParser implements ResponseHeaders {

  interface Listener {
    /** Status line and headers of the final response are complete. */
    void onHeaders(int status, ResponseHeaders headers, long nanos);

    /** A piece of the (de-chunked) body. The buffer is the caller's: do not keep it. */
    void onBody(byte[] buf, int off, int len, long nanos);

    /** The body is complete; whether the connection may carry another request. */
    void onComplete(boolean keepAlive, long nanos);
  }

  /** The server's bytes are not HTTP/1.1. */
  static final class ProtocolException extends Exception {
    ProtocolException(String msg) {
      super(msg, null, false, false);
    }
  }

  private enum State { STATUS, HEADER, FIXED, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILER, UNTIL_CLOSE, DONE }

  private static final int MAX_LINE = 64 * 1024;

  private final Listener listener;
  private State state = State.DONE;
  private byte[] line = new byte[256];
  private int lineLen;
  private boolean lastCr;
  private int status;
  private long contentLength;
  private boolean chunked;
  private boolean connectionClose;
  private long remaining;
  private final List<String> names = new ArrayList<>(8);
  private final List<String> values = new ArrayList<>(8);

  Http1ResponseParser(Listener listener) {
    this.listener = listener;
  }

  /** Starts reading the response to a new request. */
  void expectResponse() {
    state = State.STATUS;
    resetMessage();
  }

  private void resetMessage() {
    lineLen = 0;
    lastCr = false;
    status = 0;
    contentLength = -1;
    chunked = false;
    connectionClose = false;
    names.clear();
    values.clear();
  }

  /** True between {@link #expectResponse()} and the end of that response. */
  boolean inResponse() {
    return state != State.DONE;
  }

  /** True when the response's body runs until the connection closes. */
  boolean readsUntilClose() {
    return state == State.UNTIL_CLOSE;
  }

  /**
   * Feeds bytes read from the socket. Returns the number of bytes that were not part of the
   * response (bytes after its end), which a caller that does not pipeline treats as an error.
   */
  int feed(byte[] buf, int off, int len, long nanos) throws ProtocolException {
    int i = off;
    int end = off + len;
    while (i < end) {
      switch (state) {
        case STATUS, HEADER, CHUNK_SIZE, CHUNK_END, TRAILER -> {
          int lineEnd = -1;
          for (int j = i; j < end; j++) {
            byte b = buf[j];
            if (b == '\n') {
              lineEnd = j;
              break;
            }
          }
          if (lineEnd >= 0 && lineLen == 0) { // the whole line is in this read: parse it in place
            int n = lineEnd - i;
            if (n > MAX_LINE) throw new ProtocolException("HTTP header or chunk line longer than " + MAX_LINE + " bytes");
            if (n > 0 && buf[lineEnd - 1] == '\r') n--;
            int start = i;
            i = lineEnd + 1;
            onLine(buf, start, n, nanos);
            continue;
          }
          int stop = lineEnd < 0 ? end : lineEnd;
          append(buf, i, stop - i);
          i = stop;
          if (lineEnd < 0) break;
          i++; // the \n
          int n = lineLen;
          if (n > 0 && line[n - 1] == '\r') n--;
          lineLen = 0;
          onLine(line, 0, n, nanos);
        }
        case FIXED -> {
          int n = (int) Math.min(remaining, end - i);
          remaining -= n;
          listener.onBody(buf, i, n, nanos);
          i += n;
          if (remaining == 0) complete(nanos);
        }
        case CHUNK_DATA -> {
          int n = (int) Math.min(remaining, end - i);
          remaining -= n;
          listener.onBody(buf, i, n, nanos);
          i += n;
          if (remaining == 0) state = State.CHUNK_END;
        }
        case UNTIL_CLOSE -> {
          listener.onBody(buf, i, end - i, nanos);
          i = end;
        }
        case DONE -> {
          return end - i;
        }
      }
    }
    return 0;
  }

  /**
   * The connection reached end-of-stream. Returns true when that completed the response (a body
   * delimited by the close); false when the response was cut short (or none was expected).
   */
  boolean endOfStream(long nanos) {
    if (state == State.UNTIL_CLOSE) {
      state = State.DONE;
      listener.onComplete(false, nanos);
      return true;
    }
    return false;
  }

  private void append(byte[] buf, int off, int n) throws ProtocolException {
    if (n == 0) return;
    if (lineLen + n > MAX_LINE) throw new ProtocolException("HTTP header or chunk line longer than " + MAX_LINE + " bytes");
    if (lineLen + n > line.length) line = java.util.Arrays.copyOf(line, Math.max(lineLen + n, line.length * 2));
    System.arraycopy(buf, off, line, lineLen, n);
    lineLen += n;
  }

  private void onLine(byte[] text, int o, int n, long nanos) throws ProtocolException {
    switch (state) {
      case STATUS -> {
        if (n == 0) return; // tolerate a stray CRLF before the status line
        // HTTP/1.x SP 3DIGIT [SP reason]
        if (n < 12 || text[o] != 'H' || text[o + 1] != 'T' || text[o + 2] != 'T' || text[o + 3] != 'P' || text[o + 4] != '/'
            || text[o + 8] != ' ') {
          throw new ProtocolException("not an HTTP/1.x status line");
        }
        int s = 0;
        for (int k = 9; k < 12; k++) {
          int d = text[o + k] - '0';
          if (d < 0 || d > 9) throw new ProtocolException("bad HTTP status code");
          s = s * 10 + d;
        }
        status = s;
        connectionClose = text[o + 7] == '0'; // HTTP/1.0 closes unless told otherwise
        state = State.HEADER;
      }
      case HEADER -> {
        if (n == 0) {
          headersDone(nanos);
          return;
        }
        int colon = -1;
        for (int k = 0; k < n; k++) {
          if (text[o + k] == ':') {
            colon = k;
            break;
          }
        }
        if (colon <= 0) throw new ProtocolException("bad HTTP header line");
        String name = new String(text, o, colon, StandardCharsets.ISO_8859_1).trim();
        String value = new String(text, o + colon + 1, n - colon - 1, StandardCharsets.ISO_8859_1).trim();
        names.add(name);
        values.add(value);
        if (name.equalsIgnoreCase("content-length")) {
          try {
            contentLength = Long.parseLong(value);
          } catch (NumberFormatException e) {
            throw new ProtocolException("bad Content-Length");
          }
          if (contentLength < 0) throw new ProtocolException("bad Content-Length");
        } else if (name.equalsIgnoreCase("transfer-encoding")) {
          chunked = value.toLowerCase(java.util.Locale.ROOT).contains("chunked");
        } else if (name.equalsIgnoreCase("connection")) {
          String v = value.toLowerCase(java.util.Locale.ROOT);
          if (v.contains("close")) connectionClose = true;
          else if (v.contains("keep-alive")) connectionClose = false;
        }
      }
      case CHUNK_SIZE -> {
        long size = 0;
        int digits = 0;
        for (int k = 0; k < n; k++) {
          byte b = text[o + k];
          int d = Character.digit(b, 16);
          if (d < 0) {
            if (b == ';' || b == ' ' || b == '\t') break; // chunk extensions
            throw new ProtocolException("bad chunk size");
          }
          if (++digits > 15) throw new ProtocolException("chunk size too large");
          size = size * 16 + d;
        }
        if (digits == 0) throw new ProtocolException("bad chunk size");
        if (size == 0) {
          state = State.TRAILER;
        } else {
          remaining = size;
          state = State.CHUNK_DATA;
        }
      }
      case CHUNK_END -> {
        if (n != 0) throw new ProtocolException("chunk not followed by CRLF");
        state = State.CHUNK_SIZE;
      }
      case TRAILER -> {
        if (n == 0) complete(nanos);
      }
      default -> throw new IllegalStateException(state.name());
    }
  }

  private void headersDone(long nanos) throws ProtocolException {
    if (status >= 100 && status < 200 && status != 101) { // interim response: the real one follows
      resetMessage();
      state = State.STATUS;
      return;
    }
    listener.onHeaders(status, this, nanos);
    if (state == State.DONE) return; // the listener gave up on this response
    if (status == 204 || status == 304) {
      complete(nanos);
    } else if (chunked) {
      state = State.CHUNK_SIZE;
    } else if (contentLength >= 0) {
      remaining = contentLength;
      if (remaining == 0) complete(nanos);
      else state = State.FIXED;
    } else {
      connectionClose = true;
      state = State.UNTIL_CLOSE;
    }
  }

  private void complete(long nanos) {
    state = State.DONE;
    listener.onComplete(!connectionClose, nanos);
  }

  /** Abandons the current response (the connection is about to be closed). */
  void abandon() {
    state = State.DONE;
  }

  @Override
  public Optional<String> header(String name) {
    for (int k = 0; k < names.size(); k++) {
      if (names.get(k).equalsIgnoreCase(name)) return Optional.of(values.get(k));
    }
    return Optional.empty();
  }
}
