package io.barrage.protocol.metrics;

import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
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

  /**
   * Decodes a compressed histogram; a corrupt payload is an {@link IllegalArgumentException}.
   *
   * <p>The bytes come off the wire, and HdrHistogram sizes its arrays from the header inside them
   * (value range, precision, payload length). So the header is checked first: it must describe
   * barrage's one configuration, and its payload may not be larger than that configuration's
   * counts can need. A histogram that passes allocates what {@link #create()} allocates.
   */
  public static Histogram decode(byte[] bytes) {
    try {
      checkHeader(bytes);
      Histogram h = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), LOWEST_US);
      return h;
    } catch (DataFormatException | RuntimeException e) {
      throw new IllegalArgumentException("corrupt histogram payload (" + bytes.length + " bytes): " + e.getMessage(), e);
    }
  }

  /** HdrHistogram's V2 compressed encoding (what {@link #encode} writes), low nibble of byte 3 masked. */
  private static final int V2_COMPRESSED_COOKIE = 0x1c849304;
  private static final int V2_HEADER_BYTES = 40;
  private static final int MAX_PAYLOAD_BYTES = create().getNeededByteBufferCapacity();

  private static void checkHeader(byte[] bytes) throws DataFormatException {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    if (bytes.length < 8 || (b.getInt() & ~0xf0) != V2_COMPRESSED_COOKIE) {
      throw new IllegalArgumentException("not a compressed V2 histogram");
    }
    int compressed = b.getInt();
    if (compressed < 0 || compressed > bytes.length - 8) {
      throw new IllegalArgumentException("declares " + compressed + " compressed bytes, has " + (bytes.length - 8));
    }
    Inflater inflater = new Inflater();
    byte[] header = new byte[V2_HEADER_BYTES];
    try {
      inflater.setInput(bytes, 8, compressed);
      if (inflater.inflate(header) != V2_HEADER_BYTES) throw new IllegalArgumentException("truncated header");
    } finally {
      inflater.end();
    }
    ByteBuffer h = ByteBuffer.wrap(header);
    h.getInt(); // inner cookie
    int payload = h.getInt();
    h.getInt(); // normalizing index offset
    int digits = h.getInt();
    long lowest = h.getLong();
    long highest = h.getLong();
    if (digits != DIGITS || lowest != LOWEST_US || highest < LOWEST_US || highest > HIGHEST_US) {
      throw new IllegalArgumentException("range " + lowest + ".." + highest + " at " + digits + " digits is not barrage's "
          + LOWEST_US + ".." + HIGHEST_US + " at " + DIGITS);
    }
    if (payload < 0 || payload > MAX_PAYLOAD_BYTES) {
      throw new IllegalArgumentException("declares a " + payload + "-byte payload (at most " + MAX_PAYLOAD_BYTES + ")");
    }
  }

  /** Microseconds to milliseconds as reported in results. */
  public static double ms(double micros) {
    return micros / 1000.0;
  }
}
