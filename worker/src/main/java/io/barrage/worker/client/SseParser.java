package io.barrage.worker.client;

import java.util.Arrays;

/**
 * Incremental Server-Sent-Events parser working on raw bytes as they arrive from the socket. It hands
 * each complete event's {@code data} payload to a {@link Listener} together with the {@code
 * System.nanoTime()} of the chunk that completed the event, so that token timing is taken where the
 * bytes arrive. One parser per response; not thread-safe (a stream stage calls it serially).
 *
 * <p>Accepts {@code data:} with and without the optional space, {@code \n}, {@code \r\n} and
 * {@code \r} line ends, multi-line data (joined with {@code \n}) and ignores comment lines ({@code
 * :...}, TGI's keep-alive) and the {@code event}, {@code id} and {@code retry} fields. The only
 * allocation is the growth of its two reusable buffers.
 */
public final class SseParser {

  /** Receives complete events. The payload buffer is reused: copy what you keep. */
  public interface Listener {
    void onEvent(byte[] data, int length, long nanos);

    /** A comment line (keep-alive); counted, never a token. */
    default void onComment(long nanos) {}
  }

  /** A line longer than the configured maximum: the stream is malformed. */
  public static final class LineTooLongException extends RuntimeException {
    LineTooLongException(int max) {
      super("SSE line longer than " + max + " bytes", null, false, false);
    }
  }

  private final Listener listener;
  private final int maxLineBytes;
  private byte[] line = new byte[256];
  private int lineLen;
  private byte[] data = new byte[256];
  private int dataLen;
  private boolean hasData;
  private boolean lastWasCr;

  public SseParser(Listener listener, int maxLineBytes) {
    this.listener = listener;
    this.maxLineBytes = maxLineBytes;
  }

  /** Forgets any partial line or event: the parser can read another response. */
  public void reset() {
    lineLen = 0;
    dataLen = 0;
    hasData = false;
    lastWasCr = false;
  }

  /** Feeds one chunk of the body. */
  public void feed(byte[] buf, int off, int len, long nanos) {
    int end = off + len;
    for (int i = off; i < end; i++) {
      byte b = buf[i];
      if (b == '\n') {
        if (lastWasCr) {
          lastWasCr = false; // second half of \r\n: the line was already ended by \r
          continue;
        }
        endLine(nanos);
      } else if (b == '\r') {
        lastWasCr = true;
        endLine(nanos);
      } else {
        lastWasCr = false;
        if (lineLen == line.length) {
          if (lineLen >= maxLineBytes) throw new LineTooLongException(maxLineBytes);
          line = Arrays.copyOf(line, Math.min(maxLineBytes, lineLen * 2));
        } else if (lineLen >= maxLineBytes) {
          throw new LineTooLongException(maxLineBytes);
        }
        line[lineLen++] = b;
      }
    }
  }

  /**
   * The body ended. A last event whose data lines were complete but that lacks the closing blank
   * line is still dispatched (some servers omit it); a partial line is dropped.
   */
  public void finish(long nanos) {
    if (hasData) dispatch(nanos);
  }

  private void endLine(long nanos) {
    if (lineLen == 0) {
      if (hasData) dispatch(nanos);
      return;
    }
    if (line[0] == ':') {
      listener.onComment(nanos);
    } else if (lineLen >= 4 && line[0] == 'd' && line[1] == 'a' && line[2] == 't' && line[3] == 'a'
        && (lineLen == 4 || line[4] == ':')) {
      int start = lineLen == 4 ? 4 : 5;
      if (start < lineLen && line[start] == ' ') start++;
      appendData(start);
    }
    // event:, id:, retry: and unknown fields are ignored
    lineLen = 0;
  }

  private void appendData(int start) {
    int n = lineLen - start;
    int need = dataLen + n + (hasData ? 1 : 0);
    if (need > data.length) data = Arrays.copyOf(data, Math.max(need, data.length * 2));
    if (hasData) data[dataLen++] = '\n';
    System.arraycopy(line, start, data, dataLen, n);
    dataLen += n;
    hasData = true;
  }

  private void dispatch(long nanos) {
    int n = dataLen;
    dataLen = 0;
    hasData = false;
    listener.onEvent(data, n, nanos);
  }
}
