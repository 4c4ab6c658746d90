package io.barrage.worker.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Http1ResponseParserTest {
  int status;
  String tpot;
  final StringBuilder body = new StringBuilder();
  final List<Long> bodyTimes = new ArrayList<>();
  Boolean keepAlive;
  long completedAt = -1;

  final Http1ResponseParser parser = new Http1ResponseParser(new Http1ResponseParser.Listener() {
    @Override
    public void onHeaders(int s, ResponseHeaders headers, long nanos) {
      status = s;
      tpot = headers.header("X-Time-Per-Token").orElse(null);
    }

    @Override
    public void onBody(byte[] buf, int off, int len, long nanos) {
      body.append(new String(buf, off, len, UTF_8));
      bodyTimes.add(nanos);
    }

    @Override
    public void onComplete(boolean reusable, long nanos) {
      keepAlive = reusable;
      completedAt = nanos;
    }
  });

  int feed(String s, long nanos) throws Exception {
    byte[] b = s.getBytes(UTF_8);
    return parser.feed(b, 0, b.length, nanos);
  }

  /** Feeds one byte at a time: every state must survive a read boundary anywhere. */
  void trickle(String s) throws Exception {
    byte[] b = s.getBytes(UTF_8);
    for (int i = 0; i < b.length; i++) parser.feed(b, i, 1, i);
  }

  @Test
  void contentLengthBodyIsCompleteAtItsLastByteAndTheConnectionStaysOpen() throws Exception {
    parser.expectResponse();
    feed("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nx-time-per-token: 12\r\nContent-Length: 7\r\n\r\n{\"a\":", 1);
    assertThat(status).isEqualTo(200);
    assertThat(tpot).as("header names are case-insensitive").isEqualTo("12");
    assertThat(keepAlive).isNull();
    assertThat(feed("1}", 2)).isZero();
    assertThat(body.toString()).isEqualTo("{\"a\":1}");
    assertThat(keepAlive).isTrue();
    assertThat(completedAt).isEqualTo(2);
    assertThat(parser.inResponse()).isFalse();
  }

  @Test
  void chunkedBodyIsDechunkedWithExtensionsAndTrailers() throws Exception {
    parser.expectResponse();
    feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n", 1);
    feed("7\r\n, world\r\n", 2);
    assertThat(keepAlive).isNull();
    feed("0\r\nX-Trailer: t\r\n\r\n", 3);
    assertThat(body.toString()).isEqualTo("hello, world");
    assertThat(bodyTimes).containsExactly(1L, 2L);
    assertThat(keepAlive).isTrue();
  }

  @Test
  void everyStateSurvivesAReadBoundaryAnywhere() throws Exception {
    String event = "data:{\"token\":{\"id\":1}}\n\n";
    parser.expectResponse();
    trickle("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        + Integer.toHexString(event.length()) + "\r\n" + event + "\r\n0\r\n\r\n");
    assertThat(body.toString()).isEqualTo(event);
    assertThat(keepAlive).as("Connection: close").isFalse();
  }

  @Test
  void aBodyWithoutLengthRunsUntilTheConnectionCloses() throws Exception {
    parser.expectResponse();
    feed("HTTP/1.1 200 OK\r\n\r\npartial", 1);
    assertThat(parser.readsUntilClose()).isTrue();
    feed(" body", 2);
    assertThat(parser.endOfStream(3)).isTrue();
    assertThat(body.toString()).isEqualTo("partial body");
    assertThat(keepAlive).isFalse();
    assertThat(completedAt).isEqualTo(3);
  }

  @Test
  void aCutChunkedBodyIsNotComplete() throws Exception {
    parser.expectResponse();
    feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nonly", 1);
    assertThat(parser.endOfStream(2)).isFalse();
    assertThat(keepAlive).isNull();
  }

  @Test
  void interimResponsesAreSkippedAndEmptyStatusesHaveNoBody() throws Exception {
    parser.expectResponse();
    feed("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n", 1);
    assertThat(status).isEqualTo(204);
    assertThat(keepAlive).isTrue();
    parser.expectResponse();
    feed("HTTP/1.0 429 Too Many Requests\r\nContent-Length: 2\r\n\r\n{}", 2);
    assertThat(status).isEqualTo(429);
    assertThat(keepAlive).as("HTTP/1.0 closes by default").isFalse();
  }

  @Test
  void bytesAfterTheResponseAreReportedNotParsed() throws Exception {
    parser.expectResponse();
    assertThat(feed("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA", 1)).isEqualTo(5);
    assertThat(body.toString()).isEqualTo("ok");
  }

  @Test
  void garbageIsAProtocolError() throws Exception {
    parser.expectResponse();
    assertThatThrownBy(() -> feed("SSH-2.0-OpenSSH\r\n", 1)).isInstanceOf(Http1ResponseParser.ProtocolException.class);
    parser.expectResponse();
    assertThatThrownBy(() -> feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 1))
        .isInstanceOf(Http1ResponseParser.ProtocolException.class);
    parser.expectResponse();
    assertThatThrownBy(() -> feed("HTTP/1.1 200 OK\r\nContent-Length: -4\r\n\r\n", 1))
        .isInstanceOf(Http1ResponseParser.ProtocolException.class);
  }
}
