package io.barrage.cli;

import io.barrage.protocol.wire.ClusterSecurity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway certificate authority and one node certificate for a cluster that lives as long as one
 * {@code barrage run}: written as {@code tls.key} / {@code tls.crt} / {@code ca.crt} into a private
 * temporary directory (0700, files 0600) and deleted on {@link #close()}. Every node of the run
 * presents the same certificate; a process without it cannot complete the TLS handshake.
 *
 * <p>The JDK has no public API to issue certificates, so the JDK's own {@code keytool} does it (RSA
 * 2048: Pekko's PEM reader takes RSA keys, not EC); the private key is taken out of keytool's PKCS#12
 * store with {@link KeyStore} and written as unencrypted PKCS#8 PEM, which is what Pekko reads.
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
    Path work = Files.createDirectory(dir.resolve("work"));
    // the stores live only for the next few seconds inside the 0700 directory; the password reaches
    // keytool through its environment, never its command line
    byte[] secret = new byte[18];
    new SecureRandom().nextBytes(secret);
    String pass = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    Path ca = work.resolve("ca.p12");
    Path node = work.resolve("node.p12");
    Path csr = work.resolve("node.csr");
    String validity = Integer.toString(days);
    Process caGen = keytool(pass, "-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=" + caName,
        "-ext", "bc:c", "-validity", validity, "-keystore", ca.toString(), "-storetype", "PKCS12");
    Process nodeGen = keytool(pass, "-genkeypair", "-alias", "node", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=" + NODE_NAME,
        "-validity", validity, "-keystore", node.toString(), "-storetype", "PKCS12");
    await(caGen, "create the CA");
    await(nodeGen, "create the node key");
    await(keytool(pass, "-certreq", "-alias", "node", "-keystore", node.toString(), "-file", csr.toString()), "request the node certificate");
    await(keytool(pass, "-gencert", "-alias", "ca", "-keystore", ca.toString(), "-infile", csr.toString(), "-outfile",
        dir.resolve(ClusterSecurity.CERT_FILE).toString(), "-rfc", "-validity", validity, "-ext", "san=dns:" + NODE_NAME,
        "-ext", "ku:c=digitalSignature,keyEncipherment", "-ext", "eku=serverAuth,clientAuth"), "sign the node certificate");
    try {
      KeyStore caStore = load(ca, pass);
      writePrivate(dir.resolve(ClusterSecurity.CA_FILE), pem("CERTIFICATE", caStore.getCertificate("ca").getEncoded()));
      KeyStore nodeStore = load(node, pass);
      Key key = nodeStore.getKey("node", pass.toCharArray());
      writePrivate(dir.resolve(ClusterSecurity.KEY_FILE), pem("PRIVATE KEY", key.getEncoded())); // PKCS#8
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read the keys keytool made: " + e.getMessage(), e);
    }
    Files.setPosixFilePermissions(dir.resolve(ClusterSecurity.CERT_FILE), PosixFilePermissions.fromString("rw-------"));
    deleteTree(work);
  }

  private static Process keytool(String pass, String... args) throws IOException {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    if (!Files.isExecutable(keytool)) {
      throw new IOException("keytool not found at " + keytool + " (it ships with every JDK and JRE; it issues the run's cluster certificates)");
    }
    List<String> cmd = new ArrayList<>(List.of(keytool.toString(), "-J-XX:TieredStopAtLevel=1", "-J-Xshare:auto"));
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("-storepass:env", "BARRAGE_KEYTOOL_PASS", "-noprompt"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("BARRAGE_KEYTOOL_PASS", pass);
    return pb.start();
  }

  private static void await(Process p, String what) throws IOException {
    try {
      String out;
      try (InputStream in = p.getInputStream()) {
        out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      }
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("keytool did not " + what + " within 60 s");
      }
      if (p.exitValue() != 0) throw new IOException("keytool could not " + what + ": " + out);
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while keytool was running", e);
    }
  }

  private static KeyStore load(Path file, String pass) throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      ks.load(in, pass.toCharArray());
    }
    return ks;
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + type + "-----\n";
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
