package io.barrage.simulator.http;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Writes response bodies with Jackson's streaming generator, in TGI's field order. */
final class Json {
  static final JsonFactory FACTORY = new JsonFactory();

  interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private Json() {}

  /** The JSON document written by {@code body}, prefixed with {@code prefix} and followed by {@code suffix}. */
  static byte[] bytes(byte[] prefix, Body body, byte[] suffix) {
    ByteArrayBuilder out = new ByteArrayBuilder(256);
    try {
      if (prefix != null) out.write(prefix);
      try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
        body.write(g);
      }
      if (suffix != null) out.write(suffix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static byte[] bytes(Body body) {
    return bytes(null, body, null);
  }

  /** TGI's error body {@code {"error": ..., "error_type": ...}}. */
  static byte[] tgiError(String message, String type) {
    return bytes(g -> {
      g.writeStartObject();
      g.writeStringField("error", message);
      g.writeStringField("error_type", type);
      g.writeEndObject();
    });
  }
}
