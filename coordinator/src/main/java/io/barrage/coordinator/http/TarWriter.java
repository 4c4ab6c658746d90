package io.barrage.coordinator.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes a POSIX (ustar) tar stream of regular files, for {@code GET /api/runs/{id}/archive}. A name
 * that does not fit ustar's 100-byte name and 155-byte prefix gets a pax extended header with its
 * full path. Only what an archive of a result directory needs: regular files, mode 0644, owner 0.
 * ADR 0370 says why it is written here rather than taken from a library.
 */
final class TarWriter {
  private static final int BLOCK = 512;
  private final OutputStream out;

  TarWriter(OutputStream out) {
    this.out = out;
  }

  /**
   * Adds one file of {@code size} bytes read from {@code in}: exactly {@code size} bytes are written,
   * cut or padded with zeros if the file changed size while it was read.
   */
  void add(String name, long size, long mtimeSeconds, InputStream in) throws IOException {
    if (size < 0 || size > 077777777777L) throw new IOException("file too large for a tar entry: " + name);
    byte[] path = name.getBytes(StandardCharsets.UTF_8);
    String shortName = name;
    String prefix = "";
    if (path.length > 100) {
      int split = splitAt(name);
      if (split > 0) {
        prefix = name.substring(0, split);
        shortName = name.substring(split + 1);
      } else {
        writePax(name, mtimeSeconds);
        shortName = asciiTail(name);
      }
    }
    out.write(header(shortName, prefix, size, mtimeSeconds, '0'));
    byte[] buf = new byte[64 * 1024];
    long left = size;
    while (left > 0) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (n < 0) break;
      out.write(buf, 0, n);
      left -= n;
    }
    Arrays.fill(buf, (byte) 0);
    while (left > 0) {
      int n = (int) Math.min(buf.length, left);
      out.write(buf, 0, n);
      left -= n;
    }
    pad(size);
  }

  /** The two zero blocks that end an archive. */
  void finish() throws IOException {
    out.write(new byte[2 * BLOCK]);
  }

  private void writePax(String name, long mtime) throws IOException {
    byte[] record = paxRecord("path", name);
    out.write(header("PaxHeader/" + asciiTail(name), "", record.length, mtime, 'x'));
    out.write(record);
    pad(record.length);
  }

  /** One pax record, {@code "<length> key=value\n"}, whose length counts its own digits. */
  static byte[] paxRecord(String key, String value) {
    int body = (" " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8).length;
    int len = body + String.valueOf(body).length();
    if (String.valueOf(len).length() != String.valueOf(body).length()) len++;
    return (len + " " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /** Index of a '/' that splits {@code name} into a prefix of at most 155 bytes and a name of at most 100; -1 if none. */
  private static int splitAt(String name) {
    for (int i = name.length() - 1; i > 0; i--) {
      if (name.charAt(i) != '/') continue;
      int pre = name.substring(0, i).getBytes(StandardCharsets.UTF_8).length;
      int rest = name.substring(i + 1).getBytes(StandardCharsets.UTF_8).length;
      if (pre <= 155 && rest <= 100 && rest > 0) return i;
      if (rest > 100) return -1;
    }
    return -1;
  }

  private static String asciiTail(String name) {
    String ascii = name.replaceAll("[^\\x20-\\x7e]", "_");
    return ascii.length() <= 90 ? ascii : ascii.substring(ascii.length() - 90);
  }

  private void pad(long size) throws IOException {
    int rem = (int) (size % BLOCK);
    if (rem != 0) out.write(new byte[BLOCK - rem]);
  }

  private static byte[] header(String name, String prefix, long size, long mtime, char type) {
    byte[] h = new byte[BLOCK];
    put(h, 0, 100, name.getBytes(StandardCharsets.UTF_8));
    octal(h, 100, 8, 0644);
    octal(h, 108, 8, 0);
    octal(h, 116, 8, 0);
    octal(h, 124, 12, size);
    octal(h, 136, 12, Math.max(0, mtime));
    Arrays.fill(h, 148, 156, (byte) ' ');
    h[156] = (byte) type;
    put(h, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
    put(h, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
    put(h, 345, 155, prefix.getBytes(StandardCharsets.UTF_8));
    long sum = 0;
    for (byte b : h) sum += b & 0xff;
    octal(h, 148, 7, sum); // six digits and a NUL, then the space already there
    return h;
  }

  private static void put(byte[] h, int at, int len, byte[] v) {
    System.arraycopy(v, 0, h, at, Math.min(len, v.length));
  }

  /** {@code len - 1} zero-padded octal digits and a NUL. */
  private static void octal(byte[] h, int at, int len, long v) {
    String s = Long.toOctalString(v);
    StringBuilder b = new StringBuilder();
    for (int i = s.length(); i < len - 1; i++) b.append('0');
    b.append(s);
    put(h, at, len - 1, b.toString().getBytes(StandardCharsets.US_ASCII));
    h[at + len - 1] = 0;
  }
}
