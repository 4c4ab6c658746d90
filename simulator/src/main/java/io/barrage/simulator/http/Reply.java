package io.barrage.simulator.http;

import io.barrage.simulator.TruthLog;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * A whole response, before it is written.
 *
 * @param chunked sent as one chunk of a chunked body (an error event on a streaming route)
 */
record Reply(int status, List<String[]> headers, String contentType, byte[] body, boolean chunked) {
  static final String JSON = "application/json";
  static final String TEXT = "text/plain; charset=utf-8";
  static final String EVENT_STREAM = "text/event-stream";

  Reply(int status, List<String[]> headers, String contentType, byte[] body) {
    this(status, headers, contentType, body, false);
  }

  static Reply empty(int status) {
    return new Reply(status, List.of(), null, new byte[0]);
  }

  static Reply json(int status, byte[] body) {
    return new Reply(status, List.of(), JSON, body);
  }

  static Reply text(int status, String text) {
    return new Reply(status, List.of(), TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  /** This reply with more headers after its own. */
  Reply with(List<String[]> more) {
    List<String[]> h = new ArrayList<>(headers);
    h.addAll(more);
    return new Reply(status, h, contentType, body, chunked);
  }

  /** Writes it as the answer to {@code ex}. */
  void send(Exchange ex) {
    send(ex, null);
  }

  /** Writes it as the answer to {@code ex} and records when its head went out. */
  void send(Exchange ex, TruthLog.Recording rec) {
    LongConsumer headWritten = rec == null ? null : rec::headers;
    if (chunked) {
      Exchange.Stream s = ex.stream(status, headers, contentType, headWritten);
      s.send(body, null);
      s.end();
    } else {
      ex.respond(status, headers, contentType, body, headWritten);
    }
  }
}
