package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.barrage.protocol.wire.ClusterSecurity;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterCertificatesTest {

  static byte[] der(Path pem) throws Exception {
    String body = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return Base64.getDecoder().decode(body);
  }

  static X509Certificate cert(Path pem) throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der(pem)));
  }

  @Test
  void aRunGetsAPrivateDirectoryWithAnRsaKeyAndACertificateSignedByItsOwnCaThatIsGoneAfterTheRun() throws Exception {
    Path dir;
    try (ClusterCertificates certs = ClusterCertificates.create("test-ca", 1)) {
      dir = certs.dir();
      assertThat(((ClusterSecurity.MutualTls) certs.security()).problems()).isEmpty();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
      try (var files = Files.list(dir)) {
        assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly("ca.crt", "tls.crt", "tls.key");
      }
      for (String f : List.of("ca.crt", "tls.crt", "tls.key")) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(f)))).as(f).isEqualTo("rw-------");
      }
      // unencrypted PKCS#8 RSA: what Pekko's PEM reader accepts
      assertThat(Files.readString(dir.resolve("tls.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
      var key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der(dir.resolve("tls.key"))));
      X509Certificate node = cert(dir.resolve("tls.crt"));
      X509Certificate ca = cert(dir.resolve("ca.crt"));
      assertThat(((RSAPrivateCrtKey) key).getModulus()).isEqualTo(((java.security.interfaces.RSAPublicKey) node.getPublicKey()).getModulus());
      node.verify(ca.getPublicKey()); // issued directly by the run's CA
      assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
      assertThat(node.getSubjectX500Principal().getName()).isEqualTo("CN=" + ClusterCertificates.NODE_NAME);
      assertThat(node.getSubjectAlternativeNames()).containsExactly(List.of(2, ClusterCertificates.NODE_NAME));
      assertThat(node.getExtendedKeyUsage()).containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    }
    assertThat(dir).doesNotExist();
  }

  @Test
  void twoRunsDoNotTrustEachOther() throws Exception {
    try (ClusterCertificates a = ClusterCertificates.create("a", 1); ClusterCertificates b = ClusterCertificates.create("b", 1)) {
      X509Certificate nodeA = cert(a.dir().resolve("tls.crt"));
      X509Certificate caB = cert(b.dir().resolve("ca.crt"));
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> nodeA.verify(caB.getPublicKey())).isInstanceOf(java.security.SignatureException.class);
    }
  }
}
