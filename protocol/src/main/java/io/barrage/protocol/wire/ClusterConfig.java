package io.barrage.protocol.wire;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.List;

/**
 * The configuration of one barrage cluster node: ActorSystem {@value #SYSTEM_NAME}, Artery over TCP
 * or mutual TLS ({@link ClusterSecurity}), roles, split-brain resolver (see {@code barrage-cluster.conf}).
 */
public final class ClusterConfig {
  public static final String SYSTEM_NAME = "barrage";
  public static final String ROLE_COORDINATOR = "coordinator";
  public static final String ROLE_WORKER = "worker";

  /** Pekko's provider that reads PEM files from a directory and re-reads them when they are rotated. */
  static final String TLS_ENGINE_PROVIDER = "org.apache.pekko.remote.artery.tcp.ssl.RotatingKeysSSLEngineProvider";

  private ClusterConfig() {}

  /** A node with plain TCP on loopback only ({@link ClusterSecurity#LOOPBACK_ONLY}). */
  public static Config node(List<String> roles, String canonicalHost, String bindHost, int port, List<String> seeds) {
    return node(roles, canonicalHost, bindHost, port, seeds, ClusterSecurity.LOOPBACK_ONLY);
  }

  /**
   * @param canonicalHost the address other nodes reach this one at
   * @param bindHost the interface to listen on (e.g. 0.0.0.0 in a pod)
   * @param port the port (0 = any free port)
   * @param seeds seed node addresses {@code HOST:PORT}; empty = join nothing yet (join self later)
   * @param security mutual TLS, or plain TCP
   * @throws IllegalArgumentException plain TCP on a non-loopback address without
   *     {@link ClusterSecurity#INSECURE}, or a TLS directory that lacks a file
   */
  public static Config node(List<String> roles, String canonicalHost, String bindHost, int port, List<String> seeds, ClusterSecurity security) {
    List<String> seedUris = seeds.stream().map(ClusterConfig::seedUri).toList();
    return transport(security, bindHost)
        .withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(roles))
        .withValue("pekko.remote.artery.canonical.hostname", ConfigValueFactory.fromAnyRef(canonicalHost))
        .withValue("pekko.remote.artery.canonical.port", ConfigValueFactory.fromAnyRef(port))
        .withValue("pekko.remote.artery.bind.hostname", ConfigValueFactory.fromAnyRef(bindHost))
        .withValue("pekko.remote.artery.bind.port", ConfigValueFactory.fromAnyRef(port == 0 ? "" : Integer.toString(port)))
        .withValue("pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seedUris))
        .withFallback(ConfigFactory.systemProperties())
        .withFallback(ConfigFactory.parseResources(ClusterConfig.class.getClassLoader(), "barrage-cluster.conf"))
        .withFallback(ConfigFactory.load())
        .resolve();
  }

  /** The Artery transport settings for {@code security}; throws {@link IllegalArgumentException} as {@link #node} does. */
  public static Config transport(ClusterSecurity security, String bindHost) {
    if (security instanceof ClusterSecurity.MutualTls tls) {
      List<String> problems = tls.problems();
      if (!problems.isEmpty()) throw new IllegalArgumentException("cluster TLS directory: " + String.join("; ", problems));
      String engine = "pekko.remote.artery.ssl.rotating-keys-engine.";
      return ConfigFactory.empty()
          .withValue("pekko.remote.artery.transport", ConfigValueFactory.fromAnyRef("tls-tcp"))
          .withValue("pekko.remote.artery.ssl.ssl-engine-provider", ConfigValueFactory.fromAnyRef(TLS_ENGINE_PROVIDER))
          .withValue(engine + "key-file", ConfigValueFactory.fromAnyRef(tls.dir().resolve(ClusterSecurity.KEY_FILE).toString()))
          .withValue(engine + "cert-file", ConfigValueFactory.fromAnyRef(tls.dir().resolve(ClusterSecurity.CERT_FILE).toString()))
          .withValue(engine + "ca-cert-file", ConfigValueFactory.fromAnyRef(tls.dir().resolve(ClusterSecurity.CA_FILE).toString()));
    }
    ClusterSecurity.Plain plain = (ClusterSecurity.Plain) security;
    if (!plain.anyAddress() && !ClusterSecurity.isLoopback(bindHost)) {
      throw new IllegalArgumentException(
          "the cluster port would listen on " + bindHost + " without TLS, where anyone who reaches it can join and order the workers: "
              + "give the directory with tls.key, tls.crt and ca.crt (--cluster-tls-dir or $" + ClusterSecurity.TLS_DIR_ENV
              + "), or --insecure-cluster to accept that");
    }
    return ConfigFactory.empty().withValue("pekko.remote.artery.transport", ConfigValueFactory.fromAnyRef("tcp"));
  }

  /** {@code HOST:PORT} to {@code pekko://barrage@HOST:PORT}; a full URI is kept as given. */
  public static String seedUri(String hostPort) {
    if (hostPort.startsWith("pekko://")) return hostPort;
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0 || colon == hostPort.length() - 1) {
      throw new IllegalArgumentException("'" + hostPort + "' is not HOST:PORT");
    }
    try {
      int p = Integer.parseInt(hostPort.substring(colon + 1));
      if (p < 1 || p > 65535) throw new NumberFormatException();
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + hostPort + "' has no valid port");
    }
    return "pekko://" + SYSTEM_NAME + "@" + hostPort;
  }
}
