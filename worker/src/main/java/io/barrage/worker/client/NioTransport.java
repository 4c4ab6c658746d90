package io.barrage.worker.client;

import io.barrage.protocol.scenario.Timeouts;
import io.barrage.protocol.scenario.TlsOptions;
import java.nio.file.Path;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * One step's view of a target for {@link NioHttpClient}: the resolved address, the TLS settings for
 * {@code https://} ({@link ClientTls}, null for plain HTTP), the request head bytes that are the
 * same for every request (request line, Host, Content-Type, the auth header), the timeouts in
 * nanoseconds and the body limits. Lanes are connections spread round-robin over the client's event
 * loops.
 */
final class NioTransport implements Transport {
  final ApiClient api;
  final InetSocketAddress address;
  final long connectTimeoutNanos;
  final long firstTokenNanos;
  final long idleNanos;
  final long totalNanos;
  final int maxLineBytes;
  final int maxBodyBytes;
  /** TLS for https targets; null for http. */
  final ClientTls tls;
  private final NioHttpClient client;
  private final byte[] head;
  volatile ConnectionEvents events = ConnectionEvents.NONE;

  NioTransport(NioHttpClient client, ApiClient api, Optional<AuthHeader> auth, Timeouts timeouts, TlsOptions tlsOptions, Path baseDir) {
    this.client = client;
    this.api = api;
    URI uri = api.uri();
    boolean https = "https".equalsIgnoreCase(uri.getScheme());
    int port = uri.getPort() >= 0 ? uri.getPort() : https ? 443 : 80;
    String host = uri.getHost();
    if (host == null) throw new IllegalArgumentException("target url has no host: " + uri);
    String bareHost = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    this.address = new InetSocketAddress(bareHost, port);
    if (address.isUnresolved()) throw new IllegalArgumentException("cannot resolve target host " + host);
    this.tls = https ? ClientTls.of(tlsOptions, baseDir, bareHost, port, uri.toString()) : null;
    Timeouts t = timeouts.orDefaults();
    this.firstTokenNanos = t.firstToken().toNanos();
    this.idleNanos = t.idle().toNanos();
    this.totalNanos = t.total().toNanos();
    this.connectTimeoutNanos = client.connectTimeout.toNanos();
    this.maxLineBytes = client.maxLineBytes;
    this.maxBodyBytes = client.maxBodyBytes;
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) path += "?" + uri.getRawQuery();
    StringBuilder h = new StringBuilder(160)
        .append("POST ").append(path).append(" HTTP/1.1\r\n")
        .append("Host: ").append(host).append(uri.getPort() >= 0 ? ":" + uri.getPort() : "").append("\r\n")
        .append("User-Agent: barrage\r\n")
        .append("Accept: */*\r\n")
        .append("Content-Type: application/json\r\n");
    auth.ifPresent(a -> h.append(io.barrage.protocol.scenario.HeaderSyntax.line(a.name(), a.value())));
    this.head = h.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The whole request: fixed head, id, length, body. */
  ByteBuffer encode(String requestId, byte[] body) {
    byte[] tail = ("X-Barrage-Request-Id: " + requestId + "\r\nContent-Length: " + body.length + "\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[head.length + tail.length + body.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(tail, 0, all, head.length, tail.length);
    System.arraycopy(body, 0, all, head.length + tail.length, body.length);
    return ByteBuffer.wrap(all);
  }

  @Override
  public void connectionEvents(ConnectionEvents e) {
    events = e == null ? ConnectionEvents.NONE : e;
  }

  @Override
  public Lane lane() {
    return new NioConnection(client.nextLoop(), this);
  }
}
