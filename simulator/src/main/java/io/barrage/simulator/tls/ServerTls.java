package io.barrage.simulator.tls;

import io.barrage.protocol.tls.Pem;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * The simulator's TLS identity: a certificate chain and its private key, from PEM files ({@code
 * --tls-cert} / {@code --tls-key}) or generated on the spot ({@link #selfSigned(Path)}: a
 * self-signed EC certificate for {@code localhost}, {@code 127.0.0.1} and {@code ::1}, made with the
 * JDK's {@code keytool}, whose PEM a client can trust through a scenario's {@code tls.caFile}).
 * Hands out one server-mode {@link SSLEngine} per connection; ALPN selects {@code http/1.1}.
 */
public final class ServerTls {
  private final SSLContext context;
  private final X509Certificate certificate;
  private final Path certificateFile;

  private ServerTls(PrivateKey key, List<X509Certificate> chain, Path certificateFile) {
    this.certificate = chain.get(0);
    this.certificateFile = certificateFile;
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      char[] pw = new char[0];
      ks.setKeyEntry("server", key, pw, chain.toArray(new Certificate[0]));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, pw);
      this.context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, null);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("the TLS certificate and key do not make a server identity: " + e.getMessage(), e);
    }
  }

  /**
   * The identity in PEM files: {@code certFile} holds the server's certificate (then any
   * intermediates), {@code keyFile} its unencrypted PKCS#8 private key.
   *
   * @throws IllegalArgumentException a file is missing or not what it should be (the message says which)
   */
  public static ServerTls fromPem(Path certFile, Path keyFile) {
    return new ServerTls(Pem.privateKey(keyFile), Pem.certificates(certFile), certFile);
  }

  /**
   * A new self-signed identity for tests and demos, generated with the running JDK's {@code
   * keytool} into {@code dir}; its certificate is written to {@code dir/cert.pem}.
   */
  public static ServerTls selfSigned(Path dir) {
    return selfSigned(dir, "dns:localhost,ip:127.0.0.1,ip:::1");
  }

  /**
   * Like {@link #selfSigned(Path)}, for the names in {@code subjectAltNames} only ({@code keytool}'s
   * syntax, e.g. {@code dns:localhost}): tests of host name verification use a certificate that does
   * not name the address they connect to.
   */
  public static ServerTls selfSigned(Path dir, String subjectAltNames) {
    Path store = dir.resolve("simulator.p12");
    String pass = "barrage-simulator"; // protects nothing: a throw-away test key
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    try {
      Files.createDirectories(dir);
      Files.deleteIfExists(store);
      Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "simulator", "-keyalg", "EC",
          "-groupname", "secp256r1", "-validity", "30", "-dname", "CN=barrage-simulator",
          "-ext", "SAN=" + subjectAltNames, "-keystore", store.toString(), "-storetype", "PKCS12",
          "-storepass", pass, "-keypass", pass, "-noprompt")
          .redirectErrorStream(true).start();
      String output;
      try (InputStream out = p.getInputStream()) {
        output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException("keytool could not generate a self-signed certificate: " + output.strip());
      }
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(store)) {
        ks.load(in, pass.toCharArray());
      }
      PrivateKey key = (PrivateKey) ks.getKey("simulator", pass.toCharArray());
      X509Certificate cert = (X509Certificate) ks.getCertificate("simulator");
      Path pem = dir.resolve("cert.pem");
      Files.writeString(pem, Pem.encode(cert), StandardCharsets.US_ASCII);
      return new ServerTls(key, List.of(cert), pem);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate a self-signed certificate in " + dir + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while generating a self-signed certificate", e);
    }
  }

  /** A server engine for one accepted connection. */
  public SSLEngine engine() {
    SSLEngine e = context.createSSLEngine();
    e.setUseClientMode(false);
    SSLParameters p = e.getSSLParameters();
    p.setApplicationProtocols(new String[] {"http/1.1"});
    e.setSSLParameters(p);
    return e;
  }

  /** The server-side TLS context (for servers that make their own engines). */
  public SSLContext context() {
    return context;
  }

  /** The server's certificate (the one a client must trust). */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The PEM file of the server's certificate: what a scenario's {@code tls.caFile} names to trust it. */
  public Path certificateFile() {
    return certificateFile;
  }
}
