package io.barrage.coordinator.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.barrage.common.json.Mappers;

/** The one JSON mapper of the result files: pretty, stable key order, lenient to fields added later. */
final class Json {
  static final ObjectMapper MAPPER =
Mappers.tolerant().enable(SerializationFeature.INDENT_OUTPUT);

  private Json() {}
}
