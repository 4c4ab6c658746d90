package io.barrage.common.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemTest {
  @Test
  void certificatesRoundTripThroughPem(@TempDir Path dir) throws Exception {
    List<X509Certificate> certs = Pem.certificates(Path.of(getClass().getResource("/tls/ca.pem").toURI()));
    assertThat(certs).hasSize(1);
    assertThat(certs.get(0).getSubjectX500Principal().getName()).isEqualTo("CN=barrage-test-ca");
    Path bundle = dir.resolve("bundle.pem");
    Files.writeString(bundle, "# two CAs\n" + Pem.encode(certs.get(0)) + Pem.encode(certs.get(0)));
    assertThat(Pem.certificates(bundle)).hasSize(2).allMatch(c -> c.equals(certs.get(0)));
  }

  @Test
  void aPkcs8KeyIsReadAndOtherKeyFormatsAreNamedWithTheFix(@TempDir Path dir) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256);
    PrivateKey key = g.generateKeyPair().getPrivate();
    Path pk8 = dir.resolve("key.pem");
    Files.writeString(pk8, "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(key.getEncoded())
        + "\n-----END PRIVATE KEY-----\n");
    assertThat(Pem.privateKey(pk8)).isEqualTo(key);
    Path pkcs1 = dir.resolve("rsa.pem");
    Files.writeString(pkcs1, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
    assertThatThrownBy(() -> Pem.privateKey(pkcs1)).hasMessageContaining("rsa.pem").hasMessageContaining("openssl pkcs8 -topk8 -nocrypt")
        .hasMessageNotContaining("AAAA");
    assertThatThrownBy(() -> Pem.privateKey(dir.resolve("missing.pem"))).hasMessageContaining("missing.pem: no such file");
  }
}
