package io.barrage.protocol.metrics;

import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * The one histogram configuration of barrage: microseconds, 1 µs .. 1 h, 3 significant digits.
 * Values over range are clamped (and the caller counts them). Encoding is HdrHistogram's compressed
 * format, which is what travels between workers and the coordinator.
 */
public final class Histograms {
  public static final long LOWEST_US = 1;
  public static final long HIGHEST_US = 3_600_000_000L;
  public static final int DIGITS = 3;

  private Histograms() {}

  public static Histogram create() {
    return new Histogram(LOWEST_US, HIGHEST_US, DIGITS);
  }

  /** Clamps a microsecond value into the trackable range; returns true when it had to clamp. */
  public static boolean isOverRange(long micros) {
    return micros > HIGHEST_US;
  }

  public static long clamp(long micros) {
    if (micros < LOWEST_US) return LOWEST_US;
    return Math.min(micros, HIGHEST_US);
  }

  public static byte[] encode(Histogram h) {
    ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int n = h.encodeIntoCompressedByteBuffer(buf);
    byte[] out = new byte[n];
    buf.flip();
    buf.get(out);
    return out;
  }

  /** Decodes a compressed histogram; a corrupt payload is an {@link IllegalArgumentException}. */
  public static Histogram decode(byte[] bytes) {
    try {
      Histogram h = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), LOWEST_US);
      return h;
    } catch (DataFormatException | RuntimeException e) {
      throw new IllegalArgumentException("corrupt histogram payload (" + bytes.length + " bytes): " + e.getMessage(), e);
    }
  }

  /** Microseconds to milliseconds as reported in results. */
  public static double ms(double micros) {
    return micros / 1000.0;
  }
}
