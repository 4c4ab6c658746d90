package io.barrage.simulator.http;

import io.barrage.simulator.engine.Token;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Renders one intermediate TGI {@code /generate_stream} event,
 * {@code data:{"index":I,"token":{"id":ID,"text":"T","logprob":LP,"special":S},"generated_text":null,"details":null}}
 * and the blank line, straight into bytes: the per-token work of a streaming server, done on the
 * engine thread for every token of every stream. The token text is escaped by Jackson's generator
 * once per distinct text; numbers are written as Jackson writes them ({@code Integer.toString},
 * {@code Float.toString}).
 */
final class TgiTokenEvent {
  private static final byte[] HEAD = "data:{\"index\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ID = ",\"token\":{\"id\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TEXT = ",\"text\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] LOGPROB = "\",\"logprob\":".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SPECIAL_TRUE = ",\"special\":true},\"generated_text\":null,\"details\":null}\n\n"
      .getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SPECIAL_FALSE = ",\"special\":false},\"generated_text\":null,\"details\":null}\n\n"
      .getBytes(StandardCharsets.US_ASCII);
  /** Escaped UTF-8 of each token text seen so far (the vocabulary is small). */
  private static final ConcurrentHashMap<String, byte[]> ESCAPED = new ConcurrentHashMap<>();

  private TgiTokenEvent() {}

  static byte[] render(Token t) {
    byte[] text = ESCAPED.computeIfAbsent(t.text(), TgiTokenEvent::escape);
    byte[] logprob = Float.toString((float) t.logprob()).getBytes(StandardCharsets.US_ASCII);
    byte[] tail = t.special() ? SPECIAL_TRUE : SPECIAL_FALSE;
    byte[] out = new byte[HEAD.length + 11 + ID.length + 11 + TEXT.length + text.length + LOGPROB.length
        + logprob.length + tail.length];
    int i = put(out, 0, HEAD);
    i = putInt(out, i, t.index());
    i = put(out, i, ID);
    i = putInt(out, i, t.id());
    i = put(out, i, TEXT);
    i = put(out, i, text);
    i = put(out, i, LOGPROB);
    i = put(out, i, logprob);
    i = put(out, i, tail);
    return i == out.length ? out : java.util.Arrays.copyOf(out, i);
  }

  /** The string as Jackson's generator writes it, without the quotes. */
  private static byte[] escape(String s) {
    byte[] quoted = Json.bytes(g -> g.writeString(s));
    return java.util.Arrays.copyOfRange(quoted, 1, quoted.length - 1);
  }

  private static int put(byte[] out, int at, byte[] b) {
    System.arraycopy(b, 0, out, at, b.length);
    return at + b.length;
  }

  private static int putInt(byte[] out, int at, int v) {
    String s = Integer.toString(v);
    for (int k = 0; k < s.length(); k++) out[at + k] = (byte) s.charAt(k);
    return at + s.length();
  }
}
