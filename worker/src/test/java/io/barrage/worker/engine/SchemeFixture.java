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

  /**
   * The engine settings of the test class: the defaults, with a 60 s connect timeout over https. A
   * thousand TLS handshakes at once (client and server on the same two shared cores, JIT still
   * cold) take longer than the default 10 s; the tests' own timeouts are generous for the same reason.
   */
  EngineSettings engineSettings() {
    EngineSettings d = EngineSettings.defaults();
    if (!https()) return d;
    return d.withConnectingTimeout(java.time.Duration.ofSeconds(60));
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
    return new Target(name, api, url, "m", null, auth, fastapi, stream, null, clientTls());
  }
}
