package io.barrage.worker.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {
  final List<String> events = new ArrayList<>();
  final List<Long> times = new ArrayList<>();
  int comments;
  final SseParser parser = new SseParser(new SseParser.Listener() {
    @Override
    public void onEvent(byte[] data, int offset, int length, long nanos) {
      events.add(new String(data, offset, length, UTF_8));
      times.add(nanos);
    }

    @Override
    public void onComment(long nanos) {
      comments++;
    }
  }, 64);

  void feed(String s, long nanos) {
    byte[] b = s.getBytes(UTF_8);
    parser.feed(b, 0, b.length, nanos);
  }

  @Test
  void acceptsDataWithAndWithoutTheSpaceAndEveryLineEnd() {
    feed("data:{\"a\":1}\n\ndata: {\"b\":2}\r\n\r\ndata:[DONE]\r\r", 1);
    assertThat(events).containsExactly("{\"a\":1}", "{\"b\":2}", "[DONE]");
  }

  @Test
  void keepAliveCommentsAreNotEvents() {
    feed(":\n\ndata:x\n\n: ping\n\n", 1);
    assertThat(events).containsExactly("x");
    assertThat(comments).isEqualTo(2);
  }

  @Test
  void eventsSplitAcrossChunksCarryTheTimeOfTheChunkThatCompletesThem() {
    String s = "data:{\"token\":1}\n\ndata:{\"token\":2}\n\n";
    byte[] b = s.getBytes(UTF_8);
    for (int i = 0; i < b.length; i++) parser.feed(b, i, 1, 100 + i);
    assertThat(events).containsExactly("{\"token\":1}", "{\"token\":2}");
    assertThat(times).containsExactly(100L + 17, 100L + b.length - 1);
  }

  @Test
  void crLfSplitBetweenChunksIsOneLineEnd() {
    feed("data:a\r", 1);
    feed("\n\r", 2);
    feed("\n", 3);
    assertThat(events).containsExactly("a");
  }

  @Test
  void multiLineDataIsJoinedAndOtherFieldsIgnored() {
    feed("event: message\nid: 7\ndata:a\ndata:b\nretry: 10\n\n", 1);
    assertThat(events).containsExactly("a\nb");
  }

  @Test
  void aLastEventWithoutTheBlankLineIsStillDelivered() {
    feed("data:a\n\ndata:b\n", 1);
    parser.finish(2);
    assertThat(events).containsExactly("a", "b");
  }

  @Test
  void aLineOverTheLimitIsMalformed() {
    assertThatThrownBy(() -> feed("data:" + "x".repeat(100) + "\n", 1)).isInstanceOf(SseParser.LineTooLongException.class);
  }

  @Test
  void anEventWhoseBlankLineComesLaterSurvivesTheReuseOfTheReadBuffer() {
    byte[] buf = "xxdata:abc\n".getBytes(UTF_8);
    parser.feed(buf, 2, buf.length - 2, 1);
    java.util.Arrays.fill(buf, (byte) 'Z'); // the event loop reads the next bytes into the same buffer
    buf[0] = '\n';
    parser.feed(buf, 0, 1, 2);
    assertThat(events).containsExactly("abc");
    assertThat(times).containsExactly(2L);
  }

  @Test
  void anEventInsideTheChunkIsHandedOverInPlaceWithItsOffset() {
    feed(": ping\ndata: one\n\ndata:two\ndata:three\n\ndata:four", 1);
    feed("\n\n", 2);
    assertThat(events).containsExactly("one", "two\nthree", "four");
    assertThat(comments).isEqualTo(1);
  }
}
