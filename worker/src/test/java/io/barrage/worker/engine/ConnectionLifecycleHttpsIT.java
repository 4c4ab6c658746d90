package io.barrage.worker.engine;

/**
 * Every test of {@link ConnectionLifecycleIT}, over https (self-signed certificate trusted through
 * tls.caFile): a server closing after every stream, silently or announced, still costs no request;
 * keep-alive connections are reused (one {@code connect} sample, TCP connect + handshake, per
 * connection), so the TLS records that decrypt to nothing do not pass for a closed connection.
 */
class ConnectionLifecycleHttpsIT extends ConnectionLifecycleIT {
  @Override
  boolean https() {
    return true;
  }
}
