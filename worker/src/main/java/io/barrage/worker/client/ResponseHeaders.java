package io.barrage.worker.client;

import java.util.Optional;

/** The headers of a response, looked up by case-insensitive name; valid only while the response is read. */
public interface ResponseHeaders {
  Optional<String> header(String name);
}
