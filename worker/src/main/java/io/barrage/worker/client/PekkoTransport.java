package io.barrage.worker.client;

import io.barrage.protocol.scenario.Timeouts;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.settings.ConnectionPoolSettings;

/**
 * The transport for {@code https://} targets: Pekko HTTP's host pool, sized from the load by {@link
 * ClientPools}, through {@link HttpDriver}. Every lane shares the pool (the pool, not the lane, owns
 * connections), so a lane is stateless.
 */
public final class PekkoTransport implements Transport, Transport.Lane {
  public static final String REQUEST_ID_HEADER = "X-Barrage-Request-Id";

  private final ActorSystem system;
  private final HttpDriver driver;
  private final ApiClient api;
  private final Uri uri;
  private final Optional<AuthHeader> auth;
  private final Timeouts timeouts;
  private final Duration connectingTimeout;
  private volatile ConnectionPoolSettings pool;

  public PekkoTransport(ActorSystem system, HttpDriver driver, ApiClient api, Optional<AuthHeader> auth, Timeouts timeouts,
      int connections, Duration connectingTimeout) {
    this.system = system;
    this.driver = driver;
    this.api = api;
    this.uri = Uri.create(api.uri().toString());
    this.auth = auth;
    this.timeouts = timeouts.orDefaults();
    this.connectingTimeout = connectingTimeout;
    capacity(connections);
  }

  @Override
  public void capacity(int connections) {
    pool = ClientPools.settings(system, connections, timeouts, connectingTimeout);
  }

  @Override
  public Lane lane() {
    return this;
  }

  @Override
  public void send(String requestId, byte[] body, RequestTrace trace, Consumer<RequestTrace> onSent, Consumer<RequestTrace> onDone) {
    HttpRequest http = HttpRequest.create()
        .withMethod(HttpMethods.POST)
        .withUri(uri)
        .withEntity(ContentTypes.APPLICATION_JSON, body)
        .addHeader(RawHeader.create(REQUEST_ID_HEADER, requestId));
    if (auth.isPresent()) http = http.addHeader(RawHeader.create(auth.get().name(), auth.get().value()));
    driver.execute(api, http, trace, timeouts, pool, onSent, onDone);
  }

  @Override
  public void close() {}
}
