package io.barrage.k8s.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * fabric8's CRUD dispatcher plus the watch that client-java speaks. fabric8 serves a watch only over
 * a WebSocket (its own client's way); client-java sends a plain {@code GET ...?watch=true} and reads
 * one JSON event per line from the response. This dispatcher records every change the CRUD store
 * makes (ADDED, MODIFIED, DELETED, each with its resource version, a deleted object with a new one as
 * an API server gives it) and answers such a GET with the events after the request's
 * {@code resourceVersion} that match its path, then ends the response, as an API server ends a watch
 * at its timeout; the client watches again from the last version it saw. With no event to send it
 * answers one {@code BOOKMARK} at the requested version a moment later, so an idle client does not
 * spin. The mock's server writes a response whole, it cannot hold one open: that is why each watch
 * response ends.
 */
final class HttpWatchDispatcher extends KubernetesCrudDispatcher {

  /** How long an idle watch request is held before its bookmark is answered. */
  static final Duration IDLE_WATCH = Duration.ofMillis(200);

  private record Event(long resourceVersion, String type, String json, AttributeSet attributes) {}

  private final List<Event> events = new CopyOnWriteArrayList<>();

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    if (request.method() == HttpMethod.GET && request.getHeader("Upgrade") == null && isWatch(request.getPath())) {
      return watch(request.getPath());
    }
    return super.dispatch(request);
  }

  @Override
  public void processEvent(String path, AttributeSet pathAttributes, AttributeSet oldAttributes, GenericKubernetesResource resource, String newState) {
    // called with the store's write lock held, so the events are recorded in the order of the changes
    String existing = oldAttributes == null ? null : map.get(oldAttributes);
    super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
    if (Objects.equals(existing, newState)) return;
    if (newState == null) {
      ObjectNode gone = (ObjectNode) tree(existing);
      long rv = requestResourceVersion();
      ((ObjectNode) gone.path("metadata")).put("resourceVersion", String.valueOf(rv));
      events.add(new Event(rv, "DELETED", gone.toString(), oldAttributes));
      return;
    }
    AttributeSet now = null;
    synchronized (map) {
      for (Map.Entry<AttributeSet, String> e : map.entrySet()) {
        if (e.getValue() == newState) now = e.getKey();
      }
    }
    long rv = tree(newState).path("metadata").path("resourceVersion").asLong(0);
    events.add(new Event(rv, existing == null ? "ADDED" : "MODIFIED", newState, now));
  }

  private MockResponse watch(String path) {
    AttributeSet query = attributeExtractor.fromPath(path);
    long since = parseLong(param(path, "resourceVersion"));
    StringBuilder body = new StringBuilder();
    for (Event e : events) {
      if (e.resourceVersion() > since && e.attributes() != null && e.attributes().matches(query)) {
        body.append("{\"type\":\"").append(e.type()).append("\",\"object\":").append(e.json()).append("}\n");
      }
    }
    MockResponse r = new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json");
    if (body.length() > 0) return r.setBody(body.toString());
    return r.setBody("{\"type\":\"BOOKMARK\",\"object\":{\"metadata\":{\"resourceVersion\":\"" + since + "\"}}}\n").setBodyDelay(IDLE_WATCH);
  }

  private static boolean isWatch(String path) {
    return "true".equals(param(path, "watch")) || "1".equals(param(path, "watch"));
  }

  private static String param(String path, String name) {
    String q = URI.create(path).getRawQuery();
    if (q == null) return null;
    for (String kv : q.split("&")) {
      int eq = kv.indexOf('=');
      String k = eq < 0 ? kv : kv.substring(0, eq);
      if (k.equals(name)) return eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
    }
    return null;
  }

  private static long parseLong(String s) {
    try {
      return s == null || s.isEmpty() ? 0 : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private JsonNode tree(String json) {
    try {
      return context.getMapper().readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
