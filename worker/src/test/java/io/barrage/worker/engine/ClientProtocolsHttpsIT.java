package io.barrage.worker.engine;

/** Every test of {@link ClientProtocolsIT}, over https (self-signed certificate trusted through tls.caFile). */
class ClientProtocolsHttpsIT extends ClientProtocolsIT {
  @Override
  boolean https() {
    return true;
  }
}
