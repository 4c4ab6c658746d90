package io.barrage.protocol.wire;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How the cluster port (Pekko Artery) is protected. {@link MutualTls}: TLS where both ends present a
 * certificate signed by the cluster's CA (PEM files in one directory, the layout of a Kubernetes TLS
 * Secret); {@link Plain}: unencrypted TCP, which anyone who reaches the port can join.
 */
public sealed interface ClusterSecurity {

  /** The environment variable {@code barrage coordinator} / {@code barrage worker} read the directory from. */
  String TLS_DIR_ENV = "BARRAGE_CLUSTER_TLS_DIR";
  String KEY_FILE = "tls.key";
  String CERT_FILE = "tls.crt";
  String CA_FILE = "ca.crt";

  /**
   * Mutual TLS with the files {@value #KEY_FILE} (RSA private key, unencrypted PKCS#8 or PKCS#1 PEM),
   * {@value #CERT_FILE} (this node's certificate, signed directly by the CA) and {@value #CA_FILE}
   * (the CA certificate) in {@code dir}. Files are re-read when they change (certificate rotation).
   */
  record MutualTls(Path dir) implements ClusterSecurity {
    public MutualTls {
      dir = dir.toAbsolutePath().normalize();
    }

    /** The problems with the directory (missing or unreadable files), empty when it can be used. */
    public List<String> problems() {
      List<String> out = new ArrayList<>();
      if (!Files.isDirectory(dir)) {
        out.add(dir + " is not a directory");
        return out;
      }
      for (String f : List.of(KEY_FILE, CERT_FILE, CA_FILE)) {
        Path p = dir.resolve(f);
        if (!Files.isRegularFile(p)) out.add(dir + " has no " + f);
        else if (!Files.isReadable(p)) out.add(p + " is not readable");
      }
      return out;
    }
  }

  /**
   * Plain TCP. {@code anyAddress = false} (the default without a certificate directory) refuses to
   * listen on anything but a loopback address; {@code true} is {@code --insecure-cluster}.
   */
  record Plain(boolean anyAddress) implements ClusterSecurity {}

  Plain LOOPBACK_ONLY = new Plain(false);
  Plain INSECURE = new Plain(true);

  /** True if {@code host} names only this machine (127.0.0.0/8, ::1, localhost). */
  static boolean isLoopback(String host) {
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) if (!a.isLoopbackAddress()) return false;
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
