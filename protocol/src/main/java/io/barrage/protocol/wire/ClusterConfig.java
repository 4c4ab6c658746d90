package io.barrage.protocol.wire;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.List;

/**
 * The configuration of one barrage cluster node: ActorSystem {@value #SYSTEM_NAME}, Artery TCP,
 * roles, split-brain resolver (see {@code barrage-cluster.conf}).
 */
public final class ClusterConfig {
  public static final String SYSTEM_NAME = "barrage";
  public static final String ROLE_COORDINATOR = "coordinator";
  public static final String ROLE_WORKER = "worker";

  private ClusterConfig() {}

  /**
   * @param canonicalHost the address other nodes reach this one at
   * @param bindHost the interface to listen on (e.g. 0.0.0.0 in a pod)
   * @param port the port (0 = any free port)
   * @param seeds seed node addresses {@code HOST:PORT}; empty = join nothing yet (join self later)
   */
  public static Config node(List<String> roles, String canonicalHost, String bindHost, int port, List<String> seeds) {
    List<String> seedUris = seeds.stream().map(ClusterConfig::seedUri).toList();
    return ConfigFactory.empty()
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
