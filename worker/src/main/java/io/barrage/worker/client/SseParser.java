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
 * :...}, TGI's keep-alive) and the {@code event}, {@code id} and {@code retry} fields.
 *
 * <p>Cost per event: an event whose single data line and closing blank line arrive in one chunk —
 * the usual case, one token per write on the server — is handed to the listener straight from the
 * caller's buffer, without a copy. Only a line split across chunks is copied (into the line buffer)
 * and only data that must outlive the chunk (a multi-line event, or one whose blank line has not
 * arrived yet) is copied into the data buffer. No allocation beyond the growth of those two.
 */
public final class SseParser {

  /** Receives complete events. The payload buffer is the parser's or the caller's: copy what you keep. */
  public interface Listener {
    void onEvent(byte[] data, int offset, int length, long nanos);

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
  /** The start of a line whose end has not arrived yet. */
  private byte[] line = new byte[256];
  private int lineLen;
  /** Data of the current event that had to be copied out of the caller's buffer. */
  private byte[] data = new byte[256];
  private int dataLen;
  private boolean hasData;
  /** The current event's data is one line still in the caller's buffer (valid during {@link #feed} only). */
  private byte[] inPlace;
  private int inPlaceOff;
  private int inPlaceLen;
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
    inPlace = null;
    lastWasCr = false;
  }

  /** Feeds one chunk of the body. */
  public void feed(byte[] buf, int off, int len, long nanos) {
    int i = off;
    int end = off + len;
    try {
      while (i < end) {
        if (lastWasCr) { // a \n right after a \r is the second half of one line end
          lastWasCr = false;
          if (buf[i] == '\n') {
            i++;
            continue;
          }
        }
        int j = i;
        while (j < end) {
          byte b = buf[j];
          if (b == '\n' || b == '\r') break;
          j++;
        }
        if (j == end) { // no line end in this chunk: keep the start of the line
          appendLine(buf, i, j - i);
          return;
        }
        if (lineLen > 0) { // the line began in an earlier chunk
          appendLine(buf, i, j - i);
          int n = lineLen;
          lineLen = 0;
          onLine(line, 0, n, false, nanos);
        } else {
          if (j - i > maxLineBytes) throw new LineTooLongException(maxLineBytes);
          onLine(buf, i, j - i, true, nanos);
        }
        lastWasCr = buf[j] == '\r';
        i = j + 1;
      }
    } finally {
      if (inPlace != null) copyInPlaceData(); // the caller's buffer is about to be reused
    }
  }

  /**
   * The body ended. A last event whose data lines were complete but that lacks the closing blank
   * line is still dispatched (some servers omit it); a partial line is dropped.
   */
  public void finish(long nanos) {
    if (hasData) dispatch(nanos);
  }

  private void appendLine(byte[] buf, int off, int n) {
    if (n == 0) return;
    if (lineLen + n > maxLineBytes) throw new LineTooLongException(maxLineBytes);
    if (lineLen + n > line.length) line = Arrays.copyOf(line, Math.min(maxLineBytes, Math.max(lineLen + n, line.length * 2)));
    System.arraycopy(buf, off, line, lineLen, n);
    lineLen += n;
  }

  private void onLine(byte[] b, int s, int n, boolean callersBuffer, long nanos) {
    if (n == 0) {
      if (hasData) dispatch(nanos);
      return;
    }
    if (b[s] == ':') {
      listener.onComment(nanos);
    } else if (n >= 4 && b[s] == 'd' && b[s + 1] == 'a' && b[s + 2] == 't' && b[s + 3] == 'a' && (n == 4 || b[s + 4] == ':')) {
      int start = n == 4 ? 4 : 5;
      if (start < n && b[s + start] == ' ') start++;
      appendData(b, s + start, n - start, callersBuffer);
    }
    // event:, id:, retry: and unknown fields are ignored
  }

  private void appendData(byte[] b, int off, int n, boolean callersBuffer) {
    if (!hasData && callersBuffer) { // the common case: remember where it is, copy nothing
      inPlace = b;
      inPlaceOff = off;
      inPlaceLen = n;
      hasData = true;
      return;
    }
    if (inPlace != null) copyInPlaceData();
    int need = dataLen + n + (hasData ? 1 : 0);
    if (need > data.length) data = Arrays.copyOf(data, Math.max(need, data.length * 2));
    if (hasData) data[dataLen++] = '\n';
    System.arraycopy(b, off, data, dataLen, n);
    dataLen += n;
    hasData = true;
  }

  private void copyInPlaceData() {
    if (inPlaceLen > data.length) data = Arrays.copyOf(data, Math.max(inPlaceLen, data.length * 2));
    System.arraycopy(inPlace, inPlaceOff, data, 0, inPlaceLen);
    dataLen = inPlaceLen;
    inPlace = null;
  }

  private void dispatch(long nanos) {
    hasData = false;
    if (inPlace != null) {
      byte[] b = inPlace;
      inPlace = null;
      listener.onEvent(b, inPlaceOff, inPlaceLen, nanos);
      return;
    }
    int n = dataLen;
    dataLen = 0;
    listener.onEvent(data, 0, n, nanos);
  }
}
