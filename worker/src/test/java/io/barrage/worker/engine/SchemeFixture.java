package io.barrage.worker.engine;

import io.barrage.protocol.scenario.ApiKind;
import io.barrage.protocol.scenario.Auth;
import io.barrage.protocol.scenario.FastapiOptions;
import io.barrage.protocol.scenario.Target;
import io.barrage.protocol.scenario.TlsOptions;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import io.barrage.simulator.tls.ServerTls;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.TestInstance;

/**
 * Runs an integration test class over plain HTTP; its {@code Https} subclass runs every test of it
 * again over TLS by overriding {@link #https()}. The servers a test starts ({@link #simulator}, the
 * scripted server) then serve https with one self-signed certificate, and the targets it builds
 * ({@link #target}: these methods hide {@link EngineFixture}'s on purpose, so test bodies stay the
 * same for both schemes) trust that certificate through {@code tls.caFile}, host name verification
 * on, exactly as a user's scenario would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SchemeFixture {
  private static ServerTls identity;

  /** True in the https variant of a test class. */
  boolean https() {
    return false;
  }

  String scheme() {
    return https() ? "https" : "http";
  }

  /** The self-signed identity shared by every test of this JVM (keytool takes a second). */
  static synchronized ServerTls identity() {
    if (identity == null) {
      try {
        Path dir = Files.createTempDirectory("barrage-it-tls");
        dir.toFile().deleteOnExit();
        identity = ServerTls.selfSigned(dir);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return identity;
  }

  /** The identity when this variant serves https, else null. */
  ServerTls serverTls() {
    return https() ? identity() : null;
  }

  SimulatorServer simulator(SimulatorConfig config) {
    return SimulatorServer.start(config, serverTls());
  }

  TlsOptions clientTls() {
    return https() ? new TlsOptions(identity().certificateFile().toString(), null) : null;
  }

  Target target(String name, ApiKind api, String url) {
    return target(name, api, url, null, null, null);
  }

  Target target(String name, ApiKind api, String url, Auth auth, FastapiOptions fastapi, Boolean stream) {
    return new Target(name, api, url, "m", null, auth, fastapi, stream, clientTls());
  }
}
