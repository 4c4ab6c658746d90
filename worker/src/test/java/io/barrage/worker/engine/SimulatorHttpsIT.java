package io.barrage.worker.engine;

/** Every test of {@link SimulatorIT}, over https (self-signed certificate trusted through tls.caFile). */
class SimulatorHttpsIT extends SimulatorIT {
  @Override
  boolean https() {
    return true;
  }
}
