package io.barrage.worker.engine;

/** Every test of {@link ConnectionReuseIT}, over https (self-signed certificate trusted through tls.caFile). */
class ConnectionReuseHttpsIT extends ConnectionReuseIT {
  @Override
  boolean https() {
    return true;
  }
}
