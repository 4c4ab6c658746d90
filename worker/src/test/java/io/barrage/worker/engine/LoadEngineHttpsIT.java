package io.barrage.worker.engine;

/** Every test of {@link LoadEngineIT}, over https (self-signed certificate trusted through tls.caFile). */
class LoadEngineHttpsIT extends LoadEngineIT {
  @Override
  boolean https() {
    return true;
  }
}
