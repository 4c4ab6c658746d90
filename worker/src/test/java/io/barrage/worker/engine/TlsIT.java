package io.barrage.worker.engine;

import static io.barrage.worker.engine.EngineFixture.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.protocol.metrics.ErrorClass;
import io.barrage.protocol.metrics.Metric;
import io.barrage.protocol.plan.Load;
import io.barrage.protocol.results.CellAggregate;
import io.barrage.protocol.scenario.ApiKind;
import io.barrage.protocol.scenario.Target;
import io.barrage.protocol.scenario.TlsOptions;
import io.barrage.simulator.Profiles;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import io.barrage.worker.client.RequestTrace;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.apache.pekko.actor.ActorSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only https has: certificate trust (the JVM's authorities by default, a scenario's CA file,
 * or verification turned off), the handshake's own error class and its timing. Every other client
 * behaviour is checked over https by the {@code *HttpsIT} variants of the http tests.
 */
class TlsIT {
  static ActorSystem system;
  static LoadEngine engine;

  @BeforeAll
  static void up() {
    system = ActorSystem.create("tls-it");
    engine = new LoadEngine(system, EngineSettings.defaults());
  }

  @AfterAll
  static void down() {
    system.terminate();
  }

  static Target https(String url, TlsOptions tls) {
    return new Target("tls", ApiKind.TGI_STREAM, url, "m", null, null, null, null, null, tls);
  }

  @Test
  void aSelfSignedCertificateIsATlsErrorUnlessTrustedAndNoRequestReachesTheServer() throws Exception {
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST), SchemeFixture.identity())) {
      CellAggregate a = run(engine, closed(https(s.baseUrl(), null), requests(3), 1));
      assertThat(a.ok()).isZero();
      assertThat(a.errors()).containsOnlyKeys(ErrorClass.TLS).containsEntry(ErrorClass.TLS, 3L);
      assertThat(s.stats().requestsReceived()).as("requests the server saw").isZero();
      CellAggregate trusted = run(engine, closed(https(s.baseUrl(),
          new TlsOptions(SchemeFixture.identity().certificateFile().toString(), null)), requests(3), 1));
      assertThat(trusted.errors()).isEmpty();
      assertThat(trusted.ok()).isEqualTo(3);
      assertThat(s.stats().requestsReceived()).isEqualTo(3);
    }
  }

  @Test
  void theCertificateMustNameTheHostOfTheUrl(@TempDir Path dir) throws Exception {
    // a certificate for "localhost" only: trusted, but it does not name 127.0.0.1
    io.barrage.simulator.tls.ServerTls localhostOnly = io.barrage.simulator.tls.ServerTls.selfSigned(dir, "dns:localhost");
    TlsOptions trust = new TlsOptions(localhostOnly.certificateFile().toString(), null);
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST), localhostOnly)) {
      List<RequestTrace> traces = new CopyOnWriteArrayList<>();
      engine.onRequest(traces::add);
      try {
        CellAggregate byIp = run(engine, closed(https(s.baseUrl(), trust), requests(2), 1));
        assertThat(byIp.errors()).containsOnlyKeys(ErrorClass.TLS).containsEntry(ErrorClass.TLS, 2L);
        assertThat(traces).allSatisfy(t -> assertThat(t.errorDetail).startsWith("TLS handshake failed"));
      } finally {
        engine.onRequest(null);
      }
      assertThat(s.stats().requestsReceived()).isZero();
      // by name (sent as SNI, matched against the certificate): accepted
      CellAggregate byName = run(engine, closed(https("https://localhost:" + s.port(), trust), requests(2), 1));
      assertThat(byName.errors()).isEmpty();
      assertThat(byName.ok()).isEqualTo(2);
      // checks off: the name no longer matters
      assertThat(run(engine, closed(https(s.baseUrl(), new TlsOptions(null, true)), requests(2), 1)).ok()).isEqualTo(2);
    }
  }

  @Test
  void insecureSkipVerifyAcceptsAnyCertificate() throws Exception {
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST), SchemeFixture.identity())) {
      CellAggregate a = run(engine, closed(https(s.baseUrl(), new TlsOptions(null, true)), requests(4), 2));
      assertThat(a.errors()).isEmpty();
      assertThat(a.ok()).isEqualTo(4);
      assertThat(a.outputTokens()).isEqualTo(4 * 8);
    }
  }

  @Test
  void aPlainHttpServerBehindAnHttpsUrlIsATlsError() throws Exception {
    // a plain HTTP server answers the TLS hello with "400 Bad Request" (as uvicorn and Pekko HTTP do)
    try (ScriptedServer s = new ScriptedServer(system)) {
      String url = s.baseUrl().replace("http://", "https://");
      CellAggregate a = run(engine, closed(https(url, new TlsOptions(null, true)), requests(2), 1));
      assertThat(a.errors()).containsOnlyKeys(ErrorClass.TLS).containsEntry(ErrorClass.TLS, 2L);
      assertThat(s.ids).as("requests the server saw").isEmpty();
    }
  }

  @Test
  void theConnectSpanHoldsTheHandshakeAndIsOnTheRequestThatOpenedTheConnection() throws Exception {
    List<RequestTrace> traces = new CopyOnWriteArrayList<>();
    engine.onRequest(traces::add);
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST), SchemeFixture.identity())) {
      CellAggregate a = run(engine, closed(https(s.baseUrl(),
          new TlsOptions(SchemeFixture.identity().certificateFile().toString(), null)), requests(6), 2));
      assertThat(a.ok()).isEqualTo(6);
      assertThat(s.stats().connectionsAccepted()).isEqualTo(2);
      assertThat(a.histogram(Metric.CONNECT).getTotalCount()).as("one connect sample per connection").isEqualTo(2);
    } finally {
      engine.onRequest(null);
    }
    assertThat(traces).hasSize(6);
    List<RequestTrace> opened = traces.stream().filter(t -> t.connectStart >= 0).toList();
    assertThat(opened).as("one connect (TCP + handshake) per connection").hasSize(2);
    for (RequestTrace t : opened) {
      assertThat(t.connectEnd).isGreaterThan(t.connectStart);
      assertThat(t.tSend).as("the request goes out after the handshake").isGreaterThanOrEqualTo(t.connectEnd);
      assertThat(t.tFirst).isGreaterThan(t.tSend);
    }
    assertThat(traces).filteredOn(t -> t.connectStart < 0).hasSize(4).allMatch(t -> t.connectEnd < 0 && t.tSend >= 0);
  }

  /**
   * A TLS 1.3 server (the JDK's, blocking, a thread per connection) that after every response sends
   * a key update asking for one back, beside its session tickets: records that decrypt to nothing
   * arrive between requests, just as the connection is reused (back to back) or while it is idle
   * (spaced). They must not pass for a closed connection, or every request would reconnect.
   */
  @Test
  void keyUpdatesAndSessionTicketsBetweenRequestsKeepTheConnection() throws Exception {
    AtomicInteger connections = new AtomicInteger();
    AtomicInteger answered = new AtomicInteger();
    String body = String.join("", ScriptedServer.tgiStream(3));
    byte[] response = ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: "
        + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8);
    SSLServerSocket server = (SSLServerSocket) SchemeFixture.identity().context().getServerSocketFactory()
        .createServerSocket(0, 8, InetAddress.getLoopbackAddress());
    server.setEnabledProtocols(new String[] {"TLSv1.3"});
    Thread acceptor = new Thread(() -> {
      while (!server.isClosed()) {
        SSLSocket c;
        try {
          c = (SSLSocket) server.accept();
        } catch (IOException e) {
          return; // closed
        }
        connections.incrementAndGet();
        Thread serve = new Thread(() -> {
          try (c) {
            InputStream in = new BufferedInputStream(c.getInputStream());
            OutputStream out = c.getOutputStream();
            while (readRequest(in)) {
              answered.incrementAndGet(); // before the client can see the answer
              out.write(response);
              out.flush();
              c.startHandshake(); // on an established TLS 1.3 session: a KeyUpdate, update requested
            }
          } catch (IOException e) {
            // the client closed the connection (after its last request): the counts tell the rest
          }
        }, "tls-key-update-conn");
        serve.setDaemon(true);
        serve.start();
      }
    }, "tls-key-update-server");
    acceptor.setDaemon(true);
    acceptor.start();
    try {
      Target target = https("https://127.0.0.1:" + server.getLocalPort(),
          new TlsOptions(SchemeFixture.identity().certificateFile().toString(), null));
      // back to back: the next request goes out on the loop as the previous one ends
      CellAggregate backToBack = run(engine, closed(target, requests(6), 1));
      assertThat(backToBack.errors()).as("%s", backToBack.errorMessages()).isEmpty();
      assertThat(backToBack.ok()).isEqualTo(6).isEqualTo(answered.get());
      assertThat(connections.get()).as("one connection for the six requests").isEqualTo(1);
      assertThat(backToBack.histogram(Metric.CONNECT).getTotalCount()).isEqualTo(1);
      assertThat(backToBack.retries()).as("nothing to retry: the server never closed").isZero();
      // spaced 200 ms apart: the key update arrives while the connection is idle in the open-loop pool
      CellAggregate spaced = run(engine, open(target, requests(6), new Load.Rate(5, null), 0, 1, 6, null));
      assertThat(spaced.errors()).as("%s", spaced.errorMessages()).isEmpty();
      assertThat(spaced.ok()).isEqualTo(6);
      assertThat(answered.get()).isEqualTo(12);
      long opened = spaced.histogram(Metric.CONNECT).getTotalCount();
      assertThat(opened).as("connect samples = connections the server accepted").isEqualTo(connections.get() - 1);
      // one connection, or two if the first request (with its handshake) outlasted the 200 ms gap; a
      // client that took the key update for a close would open six
      assertThat(opened).as("idle connections are reused").isBetween(1L, 2L);
      assertThat(spaced.retries()).isZero();
    } finally {
      server.close();
    }
  }

  /** Reads one request (head, then a Content-Length body); false at the end of the stream. */
  private static boolean readRequest(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0) {
      head.append((char) b);
      if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) break;
    }
    if (b < 0) return false;
    int length = 0;
    for (String line : head.toString().split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) length = Integer.parseInt(line.substring(15).trim());
    }
    return in.readNBytes(length).length == length;
  }

  @Test
  void aCaFileThatIsNotACertificateFailsTheStepNamingTheFile(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("ca.pem");
    Files.writeString(bad, "not a certificate\n");
    RunningStep s = engine.start(closed(https("https://127.0.0.1:9", new TlsOptions(bad.toString(), null)), requests(1), 1));
    assertThat(s.done().toCompletableFuture()).failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withMessageContaining(bad.toString())
        .withMessageContaining("no PEM certificate");
  }
}
