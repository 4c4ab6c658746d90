package io.barrage.k8s.client;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;

/**
 * fabric8's mock API server in CRUD mode on 127.0.0.1: objects created, patched and deleted are
 * stored and served back. Seeded with the fabric8 client ({@link #seed}); the code under test talks
 * to it with client-java ({@link #apiClient}).
 */
public final class MockApi implements AutoCloseable {

  final KubernetesMockServer server;
  public final NamespacedKubernetesClient seed;

  public MockApi() {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
    try {
      server.init(InetAddress.getByName("127.0.0.1"), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    seed = server.createClient();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getPort();
  }

  public ApiClient apiClient() {
    return new ClientBuilder().setBasePath(url()).setVerifyingSsl(false).build();
  }

  /** A kubeconfig file whose current context points at this server. */
  public Path kubeconfig(Path dir, String namespace) throws IOException {
    String text = """
        apiVersion: v1
        kind: Config
        clusters:
          - name: mock
            cluster: {server: "%s"}
        users:
          - name: tester
            user: {token: not-a-real-token}
        contexts:
          - name: mock
            context: {cluster: mock, user: tester, namespace: %s}
        current-context: mock
        """.formatted(url(), namespace);
    Path file = dir.resolve("kubeconfig");
    Files.writeString(file, text);
    return file;
  }

  @Override
  public void close() {
    seed.close();
    server.destroy();
  }
}
