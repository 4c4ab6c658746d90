package io.barrage.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrage.common.tls.Pem;
import io.barrage.simulator.tls.ServerTls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulator over https: same answers as over http to a client that trusts it, none to one that does not. */
class HttpsServeTest {
  static final String BODY = "{\"inputs\":\"hello\",\"parameters\":{\"max_new_tokens\":4,\"details\":true}}";

  static HttpClient trusting(Path certPem) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setCertificateEntry("sim", Pem.certificates(certPem).get(0));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(10)).build();
  }

  static HttpResponse<String> post(HttpClient c, String url) throws Exception {
    return c.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aSelfSignedServerAnswersAClientThatTrustsItsCertificateAndNoOther(@TempDir Path dir) throws Exception {
    ServerTls tls = ServerTls.selfSigned(dir);
    assertThat(tls.certificateFile()).exists();
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST), tls)) {
      assertThat(s.baseUrl()).startsWith("https://127.0.0.1:");
      HttpResponse<String> generate = post(trusting(tls.certificateFile()), s.baseUrl() + "/generate");
      assertThat(generate.statusCode()).isEqualTo(200);
      assertThat(generate.body()).contains("\"generated_tokens\":4");
      HttpResponse<String> stream = post(trusting(tls.certificateFile()), s.baseUrl() + "/generate_stream");
      assertThat(stream.body()).contains("data:").contains("\"generated_tokens\":4");
      assertThatThrownBy(() -> post(HttpClient.newHttpClient(), s.baseUrl() + "/generate")).isInstanceOf(SSLHandshakeException.class);
      assertThat(s.stats().requestsReceived()).isEqualTo(2);
    }
  }

  @Test
  void aPemIdentityServesAndBadPemFilesAreNamed(@TempDir Path dir) throws Exception {
    var issued = io.barrage.common.tls.CertificateIssuer.issue("sim", java.util.List.of("localhost"),
        java.util.List.of(java.net.InetAddress.getByName("127.0.0.1")), false, java.time.Duration.ofDays(1), null);
    Files.createDirectories(dir.resolve("gen"));
    Path certPem = Files.writeString(dir.resolve("gen/cert.pem"), issued.certificatePem());
    Path keyPem = Files.writeString(dir.resolve("key.pem"), issued.keyPem());
    ServerTls generated = ServerTls.fromPem(certPem, keyPem);
    ServerTls fromPem = ServerTls.fromPem(generated.certificateFile(), keyPem);
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST), fromPem)) {
      assertThat(post(trusting(generated.certificateFile()), s.baseUrl() + "/generate").statusCode()).isEqualTo(200);
    }
    assertThatThrownBy(() -> ServerTls.fromPem(keyPem, keyPem)).hasMessageContaining("key.pem").hasMessageContaining("no PEM certificate");
    assertThatThrownBy(() -> ServerTls.fromPem(generated.certificateFile(), generated.certificateFile()))
        .hasMessageContaining("cert.pem").hasMessageContaining("no PEM private key");
  }
}
