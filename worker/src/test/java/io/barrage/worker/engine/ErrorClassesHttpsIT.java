package io.barrage.worker.engine;

/** Every test of {@link ErrorClassesIT}, over https (self-signed certificate trusted through tls.caFile). */
class ErrorClassesHttpsIT extends ErrorClassesIT {
  @Override
  boolean https() {
    return true;
  }
}
