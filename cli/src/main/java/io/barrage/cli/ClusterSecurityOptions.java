package io.barrage.cli;

import io.barrage.protocol.wire.ClusterConfig;
import io.barrage.protocol.wire.ClusterSecurity;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The cluster-port options of {@code barrage coordinator} and {@code barrage worker}: a directory with
 * the node's TLS key, certificate and the cluster CA (mutual TLS), or {@code --insecure-cluster} for
 * plain TCP on a non-loopback address. Neither: plain TCP, and only on loopback.
 */
final class ClusterSecurityOptions {

  @Option(
      names = "--cluster-tls-dir",
      paramLabel = "DIR",
      defaultValue = "${env:" + ClusterSecurity.TLS_DIR_ENV + "}",
      description = "directory with tls.key, tls.crt and ca.crt (PEM; a Kubernetes TLS Secret's layout): the cluster port speaks mutual TLS and admits only nodes with a certificate from that CA (default: $" + ClusterSecurity.TLS_DIR_ENV + ")")
  Path tlsDir;

  @Option(
      names = "--insecure-cluster",
      description = "allow plain TCP on the cluster port at a non-loopback address: anyone who reaches the port can join and order the workers")
  boolean insecure;

  /** The security to start with; exit 2 with the reason when the options do not fit {@code bindHost}. */
  ClusterSecurity resolve(String command, String bindHost) {
    if (tlsDir != null && insecure) {
      throw new ExitException(ExitCodes.BAD_INPUT, command + ": --insecure-cluster and a cluster TLS directory (" + tlsDir + ") exclude each other");
    }
    ClusterSecurity security = tlsDir != null ? new ClusterSecurity.MutualTls(tlsDir) : insecure ? ClusterSecurity.INSECURE : ClusterSecurity.LOOPBACK_ONLY;
    try {
      ClusterConfig.transport(security, bindHost);
    } catch (IllegalArgumentException e) {
      throw new ExitException(ExitCodes.BAD_INPUT, command + ": " + e.getMessage());
    }
    return security;
  }
}
