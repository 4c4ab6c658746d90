package io.barrage.k8s.client;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.kubernetes.client.util.credentials.TokenFileAuthentication;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the API server is and which namespace to use, detected the way kubectl and the official
 * clients do: inside a pod, the service account's token, CA and namespace files plus
 * {@code KUBERNETES_SERVICE_HOST}/{@code _PORT}; outside, the kubeconfig ({@code $KUBECONFIG} or
 * {@code ~/.kube/config}) and its current context.
 */
public record KubernetesEnvironment(ApiClient client, String namespace, Mode mode, String server) {

  private static final Logger log = LoggerFactory.getLogger(KubernetesEnvironment.class);

  public static final Path SERVICE_ACCOUNT_DIR = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");

  public enum Mode { IN_CLUSTER, KUBECONFIG }

  /** Detects from this process's environment. */
  public static KubernetesEnvironment detect() throws KubernetesUnavailableException {
    return detect(System.getenv(), SERVICE_ACCOUNT_DIR, Path.of(System.getProperty("user.home")));
  }

  /**
   * Detects from the given environment variables, service-account directory and home directory.
   *
   * @throws KubernetesUnavailableException naming what was looked for when neither source exists
   */
  public static KubernetesEnvironment detect(Map<String, String> env, Path serviceAccountDir, Path home)
      throws KubernetesUnavailableException {
    String host = env.get("KUBERNETES_SERVICE_HOST");
    String port = env.get("KUBERNETES_SERVICE_PORT");
    Path token = serviceAccountDir.resolve("token");
    if (host != null && !host.isBlank() && Files.isReadable(token)) {
      return inCluster(env, serviceAccountDir, host, port == null || port.isBlank() ? "443" : port);
    }
    Path kubeconfig = kubeconfigPath(env, home);
    if (kubeconfig != null && Files.isReadable(kubeconfig)) {
      return fromKubeconfig(env, kubeconfig);
    }
    throw new KubernetesUnavailableException(
        "no Kubernetes API to talk to: not in a pod (KUBERNETES_SERVICE_HOST unset or no token in "
            + serviceAccountDir + ") and no kubeconfig at " + (kubeconfig == null ? "~/.kube/config" : kubeconfig));
  }

  private static KubernetesEnvironment inCluster(Map<String, String> env, Path sa, String host, String port)
      throws KubernetesUnavailableException {
    String server = "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    try {
      ClientBuilder b = new ClientBuilder()
          .setBasePath(server)
          .setVerifyingSsl(true)
          .setAuthentication(new TokenFileAuthentication(sa.resolve("token").toString()));
      Path ca = sa.resolve("ca.crt");
      if (Files.isReadable(ca)) {
        b.setCertificateAuthority(Files.readAllBytes(ca));
      }
      String namespace = readTrimmed(sa.resolve("namespace"));
      if (namespace == null) {
        namespace = env.getOrDefault("POD_NAMESPACE", "default");
      }
      log.info("Kubernetes API in cluster at {}, namespace {}", server, namespace);
      return new KubernetesEnvironment(b.build(), namespace, Mode.IN_CLUSTER, server);
    } catch (IOException e) {
      throw new KubernetesUnavailableException("cannot read the service account in " + sa + ": " + e.getMessage(), e);
    }
  }

  private static KubernetesEnvironment fromKubeconfig(Map<String, String> env, Path file) throws KubernetesUnavailableException {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      KubeConfig kc = KubeConfig.loadKubeConfig(r);
      kc.setFile(file.toFile());
      if (kc.getServer() == null) {
        throw new KubernetesUnavailableException("kubeconfig " + file + " has no current context with a server");
      }
      ApiClient client = ClientBuilder.kubeconfig(kc).build();
      String namespace = kc.getNamespace();
      if (namespace == null || namespace.isBlank()) {
        namespace = env.getOrDefault("POD_NAMESPACE", "default");
      }
      log.info("Kubernetes API from kubeconfig {} at {}, namespace {}", file, kc.getServer(), namespace);
      return new KubernetesEnvironment(client, namespace, Mode.KUBECONFIG, kc.getServer());
    } catch (IOException | RuntimeException e) {
      throw new KubernetesUnavailableException("cannot use kubeconfig " + file + ": " + e.getMessage(), e);
    }
  }

  private static Path kubeconfigPath(Map<String, String> env, Path home) {
    String k = env.get("KUBECONFIG");
    if (k != null && !k.isBlank()) {
      // like kubectl, take the first file of a list
      return Path.of(k.split(java.io.File.pathSeparator)[0]);
    }
    return home == null ? null : home.resolve(".kube").resolve("config");
  }

  private static String readTrimmed(Path p) throws IOException {
    if (!Files.isReadable(p)) {
      return null;
    }
    String s = Files.readString(p).trim();
    return s.isEmpty() ? null : s;
  }
}
