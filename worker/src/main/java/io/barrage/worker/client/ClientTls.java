package io.barrage.worker.client;

import io.barrage.common.tls.Pem;
import io.barrage.protocol.scenario.TlsOptions;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS settings of one {@code https://} target: which authorities are trusted (the JVM's, or the
 * scenario's {@code tls.caFile} instead), and whether the certificate is checked at all ({@code
 * tls.insecureSkipVerify}, off by default and logged at WARN when on). Each connection gets its own
 * {@link SSLEngine} in client mode with SNI (for host names), host name verification (the URL's host
 * name or IP address against the certificate) and ALPN offering only {@code http/1.1}. Engines of one
 * target share an {@link SSLContext}, so reconnections resume the TLS session where the server
 * allows it.
 */
final class ClientTls {
  private static final Logger log = LoggerFactory.getLogger(ClientTls.class);

  private final SSLContext context;
  private final boolean verify;
  private final String host;
  private final int port;

  private ClientTls(SSLContext context, boolean verify, String host, int port) {
    this.context = context;
    this.verify = verify;
    this.host = host;
    this.port = port;
  }

  /**
   * @param tls the target's options, or null for the defaults
   * @param baseDir where a relative {@code caFile} is resolved (the scenario's directory), or null
   * @throws IllegalArgumentException the CA file cannot be read or holds no certificate
   */
  static ClientTls of(TlsOptions tls, Path baseDir, String host, int port, String url) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      boolean verify = tls == null || !tls.skipVerify();
      if (!verify) {
        log.warn("TLS certificate verification is OFF for {} (tls.insecureSkipVerify): traffic is encrypted but the server "
            + "is not authenticated; use this for self-signed test servers only", url);
        ctx.init(null, new TrustManager[] {new TrustAll()}, null);
      } else if (tls != null && tls.caFile() != null) {
        Path ca = baseDir == null ? Path.of(tls.caFile()) : baseDir.resolve(tls.caFile());
        ctx.init(null, trusting(Pem.certificates(ca)), null);
      } else {
        ctx.init(null, null, null); // the JVM's trusted authorities
      }
      return new ClientTls(ctx, verify, host, port);
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalArgumentException("cannot set up TLS for " + url + ": " + e.getMessage(), e);
    }
  }

  private static TrustManager[] trusting(List<X509Certificate> cas) throws GeneralSecurityException, java.io.IOException {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    for (int i = 0; i < cas.size(); i++) ks.setCertificateEntry("ca-" + i, cas.get(i));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    return tmf.getTrustManagers();
  }

  /** A client engine for one new connection. */
  SSLEngine engine() {
    SSLEngine e = context.createSSLEngine(host, port); // a host name (not an IP literal) goes out as SNI
    e.setUseClientMode(true);
    SSLParameters p = e.getSSLParameters();
    if (verify) p.setEndpointIdentificationAlgorithm("HTTPS");
    p.setApplicationProtocols(new String[] {"http/1.1"});
    e.setSSLParameters(p);
    return e;
  }

  /** Accepts any certificate: only behind {@code tls.insecureSkipVerify: true}. */
  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override public void checkClientTrusted(X509Certificate[] c, String a, Socket s) {}

    @Override public void checkServerTrusted(X509Certificate[] c, String a, Socket s) {}

    @Override public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) {}

    @Override public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) {}

    @Override public void checkClientTrusted(X509Certificate[] c, String a) {}

    @Override public void checkServerTrusted(X509Certificate[] c, String a) {}

    @Override public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
