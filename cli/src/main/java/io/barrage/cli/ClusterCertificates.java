package io.barrage.cli;

import io.barrage.common.tls.CertificateIssuer;
import io.barrage.protocol.wire.ClusterSecurity;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;

/**
 * A throwaway certificate authority and one node certificate for a cluster that lives as long as one
 * {@code barrage run}: written as {@code tls.key} / {@code tls.crt} / {@code ca.crt} into a private
 * temporary directory (0700, files 0600) and deleted on {@link #close()}. Every node of the run
 * presents the same certificate; a process without it cannot complete the TLS handshake.
 *
 * <p>{@link CertificateIssuer} issues both in this JVM (RSA 2048: Pekko's PEM reader takes RSA keys,
 * not EC); the node key is written as unencrypted PKCS#8 PEM, which is what Pekko reads. The CA's key
 * is never written.
 */
final class ClusterCertificates implements AutoCloseable {
  /** The subject every node certificate carries: Pekko's verifier requires peers to share a name. */
  static final String NODE_NAME = "barrage-cluster";

  private final Path dir;

  private ClusterCertificates(Path dir) {
    this.dir = dir;
  }

  /** The directory with {@code tls.key}, {@code tls.crt} and {@code ca.crt}. */
  Path dir() {
    return dir;
  }

  ClusterSecurity security() {
    return new ClusterSecurity.MutualTls(dir);
  }

  /** Creates a new CA and a node certificate signed by it, valid for {@code days} days. */
  static ClusterCertificates create(String caName, int days) throws IOException {
    Path dir = Files.createTempDirectory("barrage-cluster-tls-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    try {
      issue(dir, caName, days);
      return new ClusterCertificates(dir);
    } catch (IOException | RuntimeException e) {
      deleteTree(dir);
      throw e;
    }
  }

  private static void issue(Path dir, String caName, int days) throws IOException {
    Duration validity = Duration.ofDays(days);
    try {
      // the CA's private key stays in this method's memory: no second certificate can be issued for it
      CertificateIssuer.Issued ca = CertificateIssuer.selfSignedCa(caName, validity);
      CertificateIssuer.Issued node = CertificateIssuer.issue(NODE_NAME, List.of(NODE_NAME), List.of(), false, validity, ca);
      writePrivate(dir.resolve(ClusterSecurity.CA_FILE), ca.certificatePem());
      writePrivate(dir.resolve(ClusterSecurity.CERT_FILE), node.certificatePem());
      writePrivate(dir.resolve(ClusterSecurity.KEY_FILE), node.keyPem()); // PKCS#8
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot issue the cluster certificates: " + e.getMessage(), e);
    }
  }

  private static void writePrivate(Path file, String text) throws IOException {
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, text);
  }

  @Override
  public void close() {
    try {
      deleteTree(dir);
    } catch (IOException e) {
      System.err.println("could not delete the run's cluster certificates in " + dir + ": " + e.getMessage());
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) return;
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
