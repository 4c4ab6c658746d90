package io.barrage.simulator.tls;

import io.barrage.common.tls.CertificateIssuer;
import io.barrage.common.tls.Pem;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * The simulator's TLS identity: a certificate chain and its private key, from PEM files ({@code
 * --tls-cert} / {@code --tls-key}) or generated on the spot ({@link #selfSigned(Path)}: a
 * self-signed certificate for {@code localhost}, {@code 127.0.0.1} and {@code ::1}, issued in
 * process, whose PEM a client can trust through a scenario's {@code tls.caFile}).
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
   * A new self-signed identity for tests and demos, issued in process ({@link CertificateIssuer}:
   * RSA 2048, valid 30 days); its certificate is written to {@code dir/cert.pem}.
   */
  public static ServerTls selfSigned(Path dir) {
    return selfSigned(dir, "dns:localhost,ip:127.0.0.1,ip:::1");
  }

  /**
   * Like {@link #selfSigned(Path)}, for the names in {@code subjectAltNames} only (comma-separated
   * {@code dns:NAME} / {@code ip:ADDRESS}, e.g. {@code dns:localhost}): tests of host name
   * verification use a certificate that does not name the address they connect to.
   */
  public static ServerTls selfSigned(Path dir, String subjectAltNames) {
    List<String> dns = new ArrayList<>();
    List<InetAddress> ips = new ArrayList<>();
    for (String name : subjectAltNames.split(",")) {
      String n = name.strip();
      if (n.regionMatches(true, 0, "dns:", 0, 4)) {
        dns.add(n.substring(4));
      } else if (n.regionMatches(true, 0, "ip:", 0, 3)) {
        try {
          ips.add(InetAddress.getByName(n.substring(3))); // a literal address: no lookup
        } catch (IOException e) {
          throw new IllegalArgumentException("not an IP address in the subject alternative names: " + n);
        }
      } else {
        throw new IllegalArgumentException("subject alternative name must be dns:NAME or ip:ADDRESS: " + n);
      }
    }
    try {
      CertificateIssuer.Issued id = CertificateIssuer.issue("barrage-simulator", dns, ips, false, Duration.ofDays(30), null);
      Files.createDirectories(dir);
      Path pem = dir.resolve("cert.pem");
      Files.writeString(pem, id.certificatePem(), StandardCharsets.US_ASCII);
      return new ServerTls(id.key(), List.of(id.certificate()), pem);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate a self-signed certificate in " + dir + ": " + e.getMessage(), e);
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
