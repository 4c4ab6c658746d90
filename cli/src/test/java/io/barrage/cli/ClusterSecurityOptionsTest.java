package io.barrage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster port is never exposed to the network without TLS by accident. */
class ClusterSecurityOptionsTest {

  @TempDir Path dir;

  private static int run(StringBuilder err, String... args) {
    CliRun r = CliRun.of(args);
    err.append(r.err());
    return r.code();
  }

  @Test
  void aWorkerOrCoordinatorOnANetworkAddressWithoutCertificatesRefusesToStart() {
    StringBuilder err = new StringBuilder();
    assertThat(run(err, "worker", "--join", "127.0.0.1:25520", "--bind-host", "0.0.0.0")).isEqualTo(2);
    assertThat(err.toString()).contains("without TLS").contains("--cluster-tls-dir").contains("--insecure-cluster").doesNotContain("Exception");
    StringBuilder err2 = new StringBuilder();
    assertThat(run(err2, "coordinator", "--bind-host", "0.0.0.0", "--http-port", "-1", "--out", dir.toString())).isEqualTo(2);
    assertThat(err2.toString()).contains("barrage coordinator").contains("without TLS");
  }

  @Test
  void aCertificateDirectoryWithoutItsFilesIsNamedFileByFile() throws Exception {
    Path certs = Files.createDirectory(dir.resolve("certs"));
    Files.writeString(certs.resolve("ca.crt"), "x");
    StringBuilder err = new StringBuilder();
    assertThat(run(err, "worker", "--join", "127.0.0.1:25520", "--bind-host", "0.0.0.0", "--cluster-tls-dir", certs.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("has no tls.key").contains("has no tls.crt").doesNotContain("has no ca.crt");
  }

  @Test
  void insecureAndACertificateDirectoryTogetherAreRefused() {
    StringBuilder err = new StringBuilder();
    assertThat(run(err, "worker", "--join", "127.0.0.1:25520", "--insecure-cluster", "--cluster-tls-dir", dir.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("exclude each other");
  }
}
