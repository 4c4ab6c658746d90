package io.barrage.common.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.SignatureException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

class CertificateIssuerTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  @Test
  void aCaIsSelfSignedMarkedAsCaAndItsLeafChainsToItWithTheGivenNames() throws Exception {
    var ca = CertificateIssuer.selfSignedCa("test-ca", Duration.ofDays(2));
    var leaf = CertificateIssuer.issue("node", List.of("barrage-cluster", "localhost"), List.of(LOOPBACK), false, Duration.ofDays(1), ca);

    X509Certificate caCert = parse(ca.certificatePem());
    X509Certificate leafCert = parse(leaf.certificatePem());
    caCert.verify(caCert.getPublicKey());
    leafCert.verify(caCert.getPublicKey());
    assertThat(caCert.getVersion()).isEqualTo(3);
    assertThat(caCert.getSubjectX500Principal().getName()).isEqualTo("CN=test-ca");
    assertThat(caCert.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(caCert.getCriticalExtensionOIDs()).contains("2.5.29.19", "2.5.29.15");
    assertThat(caCert.getKeyUsage()[5]).as("keyCertSign").isTrue();
    assertThat(leafCert.getBasicConstraints()).isEqualTo(-1);
    assertThat(leafCert.getIssuerX500Principal()).isEqualTo(caCert.getSubjectX500Principal());
    assertThat(leafCert.getSubjectX500Principal().getName()).isEqualTo("CN=node");
    assertThat(leafCert.getSubjectAlternativeNames())
        .containsExactly(List.of(2, "barrage-cluster"), List.of(2, "localhost"), List.of(7, LOOPBACK.getHostAddress()));
    assertThat(leafCert.getKeyUsage()[0]).as("digitalSignature").isTrue();
    assertThat(leafCert.getKeyUsage()[5]).as("keyCertSign").isFalse();
    assertThat(leafCert.getExtendedKeyUsage()).containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(leafCert.getPublicKey().getAlgorithm()).isEqualTo("RSA");
    assertThat(leafCert.getNotBefore().toInstant()).isBefore(Instant.now());
    assertThat(leafCert.getNotAfter().toInstant()).isBetween(Instant.now().plus(Duration.ofHours(23)), Instant.now().plus(Duration.ofHours(25)));
    assertThat(leaf.keyPem()).startsWith("-----BEGIN PRIVATE KEY-----\n");
    assertThat(leaf.toString()).isEqualTo("Issued[CN=node by CN=test-ca]").doesNotContain(leaf.keyPem().lines().skip(1).findFirst().orElseThrow());

    // the JDK's own path validator (what a TrustManager runs) accepts the chain
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(caCert, null)));
    params.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(leafCert)), params);
  }

  @Test
  void aCertificateValidPast2049UsesGeneralizedTime() throws Exception {
    var ca = CertificateIssuer.selfSignedCa("long-ca", Duration.ofDays(40_000));
    assertThat(parse(ca.certificatePem()).getNotAfter().toInstant()).isAfter(Instant.parse("2100-01-01T00:00:00Z"));
  }

  @Test
  void aLeafOfAnotherCaDoesNotVerify() throws Exception {
    var ca = CertificateIssuer.selfSignedCa("a", Duration.ofDays(1));
    var other = CertificateIssuer.selfSignedCa("b", Duration.ofDays(1));
    var leaf = CertificateIssuer.issue("node", List.of("x"), List.of(), false, Duration.ofDays(1), other);
    assertThatThrownBy(() -> leaf.certificate().verify(ca.certificate().getPublicKey())).isInstanceOf(SignatureException.class);
  }

  @Test
  void badRequestsNameWhatIsWrong() throws Exception {
    var leaf = CertificateIssuer.issue("node", List.of(), List.of(), false, Duration.ofDays(1), null);
    assertThatThrownBy(() -> CertificateIssuer.issue(" ", List.of(), List.of(), false, Duration.ofDays(1), null)).hasMessageContaining("common name");
    assertThatThrownBy(() -> CertificateIssuer.issue("n", List.of("bücher.example"), List.of(), false, Duration.ofDays(1), null)).hasMessageContaining("bücher.example");
    assertThatThrownBy(() -> CertificateIssuer.issue("n", List.of(), List.of(), false, Duration.ZERO, null)).hasMessageContaining("validity");
    assertThatThrownBy(() -> CertificateIssuer.issue("n", List.of(), List.of(), false, Duration.ofDays(1), leaf)).hasMessageContaining("not a CA");
  }

  @Test
  void twoPeersWithLeavesOfTheSameCaCompleteAMutualTlsHandshakeAndAStrangerIsRefused() throws Exception {
    var ca = CertificateIssuer.selfSignedCa("handshake-ca", Duration.ofDays(1));
    var server = CertificateIssuer.issue("server", List.of("localhost"), List.of(LOOPBACK), false, Duration.ofDays(1), ca);
    var client = CertificateIssuer.issue("client", List.of("client"), List.of(), false, Duration.ofDays(1), ca);
    var strangerCa = CertificateIssuer.selfSignedCa("stranger-ca", Duration.ofDays(1));
    var stranger = CertificateIssuer.issue("client", List.of("client"), List.of(), false, Duration.ofDays(1), strangerCa);

    SSLContext serverCtx = context(server, ca);
    try (SSLServerSocket listener = (SSLServerSocket) serverCtx.getServerSocketFactory().createServerSocket(0, 4, LOOPBACK)) {
      listener.setNeedClientAuth(true);
      listener.setSoTimeout(20_000);

      CompletableFuture<String> seen = serveOnce(listener);
      assertThat(exchange(context(client, ca), listener.getLocalPort())).isEqualTo("pong");
      assertThat(seen.get(20, TimeUnit.SECONDS)).isEqualTo("CN=client");

      CompletableFuture<String> refused = serveOnce(listener);
      // the stranger trusts our CA (so only the server's check can refuse it) but presents its own CA's leaf
      assertThatThrownBy(() -> exchange(context(stranger, ca), listener.getLocalPort())).isInstanceOf(IOException.class);
      assertThatThrownBy(() -> refused.get(20, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).hasRootCauseInstanceOf(SSLHandshakeException.class);
    }
  }

  /** Accepts one connection, answers "pong" and completes with the client's certificate subject. */
  private static CompletableFuture<String> serveOnce(SSLServerSocket listener) {
    return CompletableFuture.supplyAsync(() -> {
      try (SSLSocket s = (SSLSocket) listener.accept()) {
        s.setSoTimeout(20_000);
        s.startHandshake();
        String peer = ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        s.getInputStream().read();
        s.getOutputStream().write("pong".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return peer;
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  /** Connects to 127.0.0.1, checks the server's name against its certificate's IP SAN, and reads its answer. */
  private static String exchange(SSLContext ctx, int port) throws IOException {
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(LOOPBACK, port)) {
      s.setSoTimeout(20_000);
      SSLParameters p = s.getSSLParameters();
      p.setEndpointIdentificationAlgorithm("HTTPS");
      s.setSSLParameters(p);
      OutputStream out = s.getOutputStream();
      out.write('p');
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readNBytes(4), StandardCharsets.US_ASCII);
    }
  }

  private static SSLContext context(CertificateIssuer.Issued identity, CertificateIssuer.Issued trusted) throws Exception {
    char[] pass = "unused".toCharArray();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("me", identity.key(), pass, new X509Certificate[] {identity.certificate()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, pass);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", trusted.certificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }

  private static X509Certificate parse(String pem) throws Exception {
    String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(body)));
  }
}
