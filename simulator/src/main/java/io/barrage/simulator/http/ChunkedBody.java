package io.barrage.simulator.http;

import java.io.ByteArrayOutputStream;

/** Decodes a chunked request body once it is completely buffered. */
final class ChunkedBody {
  /**
   * Longest chunk-size line (size and extensions) or trailer line. Without it, a client that never
   * ends the line makes the connection buffer everything it sends, without limit.
   */
  static final int MAX_LINE = 4096;

  /** The decoded body and the offset just past the chunked encoding (and its trailers). */
  record Result(byte[] body, int end) {}

  private ChunkedBody() {}

  /**
   * Decodes {@code buf[from, len)}; null when the body is not complete yet. Throws
   * IllegalArgumentException ("length limit ..." past {@code max}, or what is malformed).
   */
  static Result decode(byte[] buf, int from, int len, int max) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = from;
    while (true) {
      int lineEnd = lineEnd(buf, i, len);
      if (lineEnd < 0) return unfinishedLine(i, len, "chunk size");
      if (lineEnd - i > MAX_LINE) throw new IllegalArgumentException("malformed chunk size: line longer than " + MAX_LINE + " bytes");
      String sizeText = new String(buf, i, lineEnd - i, java.nio.charset.StandardCharsets.ISO_8859_1).trim();
      int semi = sizeText.indexOf(';');
      if (semi >= 0) sizeText = sizeText.substring(0, semi).trim();
      long size;
      try {
        size = Long.parseLong(sizeText, 16);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("malformed chunk size");
      }
      if (size < 0) throw new IllegalArgumentException("malformed chunk size");
      if (out.size() + size > max) throw new IllegalArgumentException("length limit exceeded");
      i = next(buf, lineEnd);
      if (size == 0) {
        // trailers, then a blank line
        while (true) {
          int e = lineEnd(buf, i, len);
          if (e < 0) return unfinishedLine(i, len, "trailer");
          if (e - i > MAX_LINE) throw new IllegalArgumentException("malformed trailer: line longer than " + MAX_LINE + " bytes");
          boolean blank = e == i;
          i = next(buf, e);
          if (blank) return new Result(out.toByteArray(), i);
        }
      }
      if (len < i + size + 1) return null;
      out.write(buf, i, (int) size);
      i += (int) size;
      int e = lineEnd(buf, i, len);
      if (e < 0) return null;
      if (e != i) throw new IllegalArgumentException("chunk longer than its size");
      i = next(buf, e);
    }
  }

  /** Null (wait for more) while an unfinished line is within {@link #MAX_LINE}; malformed past it. */
  private static Result unfinishedLine(int start, int len, String what) {
    if (len - start > MAX_LINE) throw new IllegalArgumentException("malformed " + what + ": line longer than " + MAX_LINE + " bytes");
    return null;
  }

  /** Index of the CR (or bare LF) ending the line starting at {@code i}, or -1. */
  private static int lineEnd(byte[] b, int i, int len) {
    for (int j = i; j < len; j++) {
      if (b[j] == '\n') return j > i && b[j - 1] == '\r' ? j - 1 : j;
    }
    return -1;
  }

  private static int next(byte[] b, int lineEnd) {
    return b[lineEnd] == '\r' ? lineEnd + 2 : lineEnd + 1;
  }
}
