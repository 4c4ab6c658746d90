package io.barrage.worker.client;

/**
 * Recognises, by one pass over the bytes and without allocating, the event that makes up almost all
 * of a TGI stream: a well-formed JSON object whose top-level {@code token} is an object and which
 * says nothing else that measurement needs — no {@code error}, and {@code generated_text}, {@code
 * details}, {@code usage} and {@code choices} absent or {@code null}. For such an event all that
 * matters is its arrival time, so reading it with Jackson (a parser object, symbol-table lookups of
 * every field name, number scanning inside {@code token}) is wasted work: at 100,000 events/s it was
 * a fifth of the event loop's time.
 *
 * <p>This is a recogniser, not a JSON parser: it never decides that an event is malformed and never
 * reads a value. When it answers {@code false} — anything else, including every final event (which
 * carries the server's token count), every error event, every OpenAI chunk, and any payload it is
 * not sure about (escapes in field names, Unicode escapes, long numbers, deep nesting, trailing
 * bytes, invalid UTF-8, or anything that is not strict JSON) — {@link StreamEvent} reads the event
 * with Jackson exactly as before, so errors are still classified by Jackson. It only answers {@code
 * true} for input that strict JSON (and therefore Jackson) accepts and for which Jackson would have
 * produced the same fields: a token and nothing else.
 */
final class PlainTokenEvent {
  private static final int MAX_DEPTH = 32;
  private static final int MAX_NUMBER = 64;
  private static final byte[] TOKEN = ascii("token");
  private static final byte[] ERROR = ascii("error");
  private static final byte[] GENERATED_TEXT = ascii("generated_text");
  private static final byte[] DETAILS = ascii("details");
  private static final byte[] USAGE = ascii("usage");
  private static final byte[] CHOICES = ascii("choices");

  private static final int FAIL = -1;
  private static final int OBJECT = 1;
  private static final int NULL = 2;
  private static final int OTHER = 3;

  // the current scan; one instance per connection, reused for every event
  private byte[] b;
  private int end;
  private int p;

  /** True when {@code buf[off, off+len)} is certainly a TGI token event that carries nothing else. */
  boolean matches(byte[] buf, int off, int len) {
    b = buf;
    p = off;
    end = off + len;
    try {
      return topLevel();
    } finally {
      b = null;
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  private boolean topLevel() {
    ws();
    if (p >= end || b[p] != '{') return false;
    p++;
    ws();
    if (p < end && b[p] == '}') return false; // no token
    boolean token = false;
    while (true) {
      if (p >= end || b[p] != '"') return false;
      int keyStart = p + 1;
      if (!string(true)) return false;
      int keyLen = p - 1 - keyStart;
      ws();
      if (p >= end || b[p] != ':') return false;
      p++;
      ws();
      int kind = value(1);
      if (kind == FAIL) return false;
      if (is(keyStart, keyLen, TOKEN)) {
        token = kind == OBJECT; // the last occurrence counts, as with Jackson's streaming read
      } else if (is(keyStart, keyLen, ERROR) || is(keyStart, keyLen, GENERATED_TEXT) || is(keyStart, keyLen, DETAILS)
          || is(keyStart, keyLen, USAGE) || is(keyStart, keyLen, CHOICES)) {
        if (kind != NULL) return false; // something measurement reads: Jackson's job
      }
      ws();
      if (p >= end) return false;
      byte c = b[p++];
      if (c == '}') break;
      if (c != ',') return false;
      ws();
    }
    ws();
    return p == end && token;
  }

  private boolean is(int start, int len, byte[] name) {
    if (len != name.length) return false;
    for (int i = 0; i < len; i++) if (b[start + i] != name[i]) return false;
    return true;
  }

  private void ws() {
    while (p < end) {
      byte c = b[p];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return;
      p++;
    }
  }

  /** One value at {@code p}; leaves {@code p} after it. */
  private int value(int depth) {
    if (p >= end) return FAIL;
    byte c = b[p];
    switch (c) {
      case '{' -> {
        if (depth >= MAX_DEPTH) return FAIL;
        p++;
        ws();
        if (p < end && b[p] == '}') {
          p++;
          return OBJECT;
        }
        while (true) {
          if (p >= end || b[p] != '"' || !string(false)) return FAIL;
          ws();
          if (p >= end || b[p] != ':') return FAIL;
          p++;
          ws();
          if (value(depth + 1) == FAIL) return FAIL;
          ws();
          if (p >= end) return FAIL;
          byte d = b[p++];
          if (d == '}') return OBJECT;
          if (d != ',') return FAIL;
          ws();
        }
      }
      case '[' -> {
        if (depth >= MAX_DEPTH) return FAIL;
        p++;
        ws();
        if (p < end && b[p] == ']') {
          p++;
          return OTHER;
        }
        while (true) {
          if (value(depth + 1) == FAIL) return FAIL;
          ws();
          if (p >= end) return FAIL;
          byte d = b[p++];
          if (d == ']') return OTHER;
          if (d != ',') return FAIL;
          ws();
        }
      }
      case '"' -> {
        return string(false) ? OTHER : FAIL;
      }
      case 'n' -> {
        return literal('n', 'u', 'l', 'l') ? NULL : FAIL;
      }
      case 't' -> {
        return literal('t', 'r', 'u', 'e') ? OTHER : FAIL;
      }
      case 'f' -> {
        if (!literal('f', 'a', 'l', 's')) return FAIL;
        if (p >= end || b[p] != 'e') return FAIL;
        p++;
        return OTHER;
      }
      default -> {
        return number() ? OTHER : FAIL;
      }
    }
  }

  private boolean literal(char c0, char c1, char c2, char c3) {
    if (end - p < 4 || b[p] != c0 || b[p + 1] != c1 || b[p + 2] != c2 || b[p + 3] != c3) return false;
    p += 4;
    return true;
  }

  /** {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}, at most {@link #MAX_NUMBER} bytes. */
  private boolean number() {
    int start = p;
    if (p < end && b[p] == '-') p++;
    if (p >= end) return false;
    if (b[p] == '0') {
      p++;
    } else if (b[p] >= '1' && b[p] <= '9') {
      digits();
    } else {
      return false;
    }
    if (p < end && b[p] == '.') {
      p++;
      if (digits() == 0) return false;
    }
    if (p < end && (b[p] == 'e' || b[p] == 'E')) {
      p++;
      if (p < end && (b[p] == '+' || b[p] == '-')) p++;
      if (digits() == 0) return false;
    }
    return p - start <= MAX_NUMBER;
  }

  private int digits() {
    int s = p;
    while (p < end && b[p] >= '0' && b[p] <= '9') p++;
    return p - s;
  }

  /**
   * A string starting at the quote at {@code p}: simple escapes only (Unicode escapes and, in a
   * field name, any escape are left to Jackson), no raw control character, valid UTF-8.
   */
  private boolean string(boolean name) {
    p++;
    while (p < end) {
      int c = b[p] & 0xff;
      if (c == '"') {
        p++;
        return true;
      }
      if (c == '\\') {
        if (name || p + 1 >= end) return false;
        byte e = b[p + 1];
        if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' && e != 'n' && e != 'r' && e != 't') return false;
        p += 2;
      } else if (c < 0x20) {
        return false;
      } else if (c < 0x80) {
        p++;
      } else if (!utf8(c)) {
        return false;
      }
    }
    return false;
  }

  /** One multi-byte UTF-8 sequence led by {@code c} at {@code p} (no overlongs, no surrogates). */
  private boolean utf8(int c) {
    int more;
    int lo = 0x80, hi = 0xbf; // allowed range of the second byte
    if (c >= 0xc2 && c <= 0xdf) {
      more = 1;
    } else if (c >= 0xe0 && c <= 0xef) {
      more = 2;
      if (c == 0xe0) lo = 0xa0;
      else if (c == 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      more = 3;
      if (c == 0xf0) lo = 0x90;
      else if (c == 0xf4) hi = 0x8f;
    } else {
      return false;
    }
    if (end - p <= more) return false;
    int second = b[p + 1] & 0xff;
    if (second < lo || second > hi) return false;
    for (int k = 2; k <= more; k++) {
      if ((b[p + k] & 0xc0) != 0x80) return false;
    }
    p += more + 1;
    return true;
  }
}
