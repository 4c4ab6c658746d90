package io.barrage.worker.client;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The fields of one streamed JSON event that measurement needs, read with Jackson's streaming parser
 * (no tree, no binding). Covers TGI's native events ({@code token}, {@code generated_text}, {@code
 * details}, {@code error}) and OpenAI-style chunks ({@code choices[0].delta.content} / {@code
 * choices[0].text}, {@code finish_reason}, {@code usage}, {@code error}). One instance is reused for
 * every event of a response; not thread-safe. The common TGI token event, which carries nothing but
 * "one more token", skips Jackson ({@link PlainTokenEvent}).
 */
public final class StreamEvent {
  private static final JsonFactory JSON = new JsonFactory();
  private static final byte[] DONE = {'[', 'D', 'O', 'N', 'E', ']'};

  private final PlainTokenEvent plain = new PlainTokenEvent();

  public boolean done;
  public boolean error;
  public String errorMessage;
  /** TGI: the event has a {@code token} object. */
  public boolean token;
  /** TGI: {@code generated_text} is non-null (the final event). */
  public boolean finalEvent;
  /** TGI {@code details.generated_tokens}, OpenAI {@code usage.completion_tokens}; −1 when absent. */
  public int serverTokens;
  /** OpenAI: number of entries in {@code choices}. */
  public int choices;
  /** OpenAI: the first choice's content / text is a non-empty string. */
  public boolean content;
  /** OpenAI: the first choice has a non-null, non-empty {@code finish_reason}. */
  public boolean finished;
  /** Set before {@link #read}: keep the first choice's content / text in {@link #text} (multi-turn sessions). */
  public boolean keepText;
  /** The first choice's content / text when {@link #keepText} is set, else null. */
  public String text;

  private void reset() {
    done = false;
    error = false;
    errorMessage = null;
    token = false;
    finalEvent = false;
    serverTokens = -1;
    choices = 0;
    content = false;
    finished = false;
    text = null;
  }

  /**
   * Reads one event payload.
   *
   * @throws IOException when the payload is not the JSON object an event must be
   */
  public void read(byte[] data, int len) throws IOException {
    read(data, 0, len);
  }

  /**
   * Reads the event payload {@code data[off, off+len)}. A plain TGI token event (see {@link
   * PlainTokenEvent}) is recognised without Jackson; everything else is read with Jackson's
   * streaming parser.
   *
   * @throws IOException when the payload is not the JSON object an event must be
   */
  public void read(byte[] data, int off, int len) throws IOException {
    reset();
    if (plain.matches(data, off, len)) {
      token = true;
      return;
    }
    readWithJackson(data, off, len);
  }

  /** The general path: every event shape, every error. Package-private for the equivalence test. */
  void readWithJackson(byte[] data, int off, int len) throws IOException {
    reset();
    if (isDone(data, off, len)) {
      done = true;
      return;
    }
    try (JsonParser p = JSON.createParser(data, off, len)) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw new IOException("event is not a JSON object");
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        switch (name) {
          case "error" -> readError(p, v);
          case "token" -> {
            token = v == JsonToken.START_OBJECT;
            p.skipChildren();
          }
          case "generated_text" -> finalEvent = v != JsonToken.VALUE_NULL;
          case "details" -> readTokenCount(p, v, "generated_tokens");
          case "usage" -> readTokenCount(p, v, "completion_tokens");
          case "choices" -> readChoices(p, v);
          default -> p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT) throw new IOException("truncated JSON event");
    }
  }

  private static boolean isDone(byte[] d, int off, int len) {
    int s = off, e = off + len;
    while (s < e && d[s] == ' ') s++;
    while (e > s && (d[e - 1] == ' ')) e--;
    if (e - s != DONE.length) return false;
    for (int i = 0; i < DONE.length; i++) if (d[s + i] != DONE[i]) return false;
    return true;
  }

  private void readError(JsonParser p, JsonToken v) throws IOException {
    if (v == JsonToken.VALUE_NULL) return;
    error = true;
    if (v == JsonToken.VALUE_STRING) {
      errorMessage = p.getText();
    } else if (v == JsonToken.START_OBJECT) {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String n = p.currentName();
        JsonToken t = p.nextToken();
        if ("message".equals(n) && t == JsonToken.VALUE_STRING) errorMessage = p.getText();
        else p.skipChildren();
      }
    } else {
      p.skipChildren();
    }
  }

  private void readTokenCount(JsonParser p, JsonToken v, String field) throws IOException {
    if (v != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String n = p.currentName();
      JsonToken t = p.nextToken();
      if (field.equals(n) && t == JsonToken.VALUE_NUMBER_INT) serverTokens = p.getIntValue();
      else p.skipChildren();
    }
  }

  private void readChoices(JsonParser p, JsonToken v) throws IOException {
    if (v != JsonToken.START_ARRAY) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.START_OBJECT) {
      if (choices++ > 0) {
        p.skipChildren();
        continue;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String n = p.currentName();
        JsonToken t = p.nextToken();
        switch (n) {
          case "text" -> {
            content |= t == JsonToken.VALUE_STRING && p.getTextLength() > 0;
            if (keepText && t == JsonToken.VALUE_STRING) text = p.getText();
          }
          case "delta", "message" -> readDelta(p, t);
          case "finish_reason" -> finished = t == JsonToken.VALUE_STRING && p.getTextLength() > 0;
          default -> p.skipChildren();
        }
      }
    }
  }

  private void readDelta(JsonParser p, JsonToken t) throws IOException {
    if (t != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String n = p.currentName();
      JsonToken v = p.nextToken();
      if ("content".equals(n)) {
        content |= v == JsonToken.VALUE_STRING && p.getTextLength() > 0;
        if (keepText && v == JsonToken.VALUE_STRING) text = p.getText();
      }
      else if ("tool_calls".equals(n) || "reasoning_content".equals(n)) {
        content |= v == JsonToken.START_ARRAY || (v == JsonToken.VALUE_STRING && p.getTextLength() > 0);
        p.skipChildren();
      } else p.skipChildren();
    }
  }
}
