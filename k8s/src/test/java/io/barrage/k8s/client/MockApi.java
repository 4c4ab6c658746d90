package io.barrage.k8s.client;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
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
 * stored and served back, and watched the way client-java watches ({@link HttpWatchDispatcher}:
 * informers work against it). Seeded with the fabric8 client ({@link #seed}); the code under test
 * talks to it with client-java ({@link #apiClient}).
 */
public final class MockApi implements AutoCloseable {

  final KubernetesMockServer server;
  public final NamespacedKubernetesClient seed;

  public MockApi() {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new HttpWatchDispatcher(), false);
    try {
      server.init(InetAddress.getByName("127.0.0.1"), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    seed = server.createClient();
  }

  /** Makes the mock serve LoadTests as the chart's CRD defines them: namespaced, with a status subresource. */
  public MockApi serveLoadTests() {
    server.expectCustomResource(new CustomResourceDefinitionContext.Builder()
        .withGroup("barrage.io").withVersion("v1alpha1").withPlural("loadtests").withKind("LoadTest")
        .withScope("Namespaced").withStatusSubresource(true).build());
    return this;
  }

  /** Creates a LoadTest from its YAML as a user's {@code kubectl apply} would. */
  public GenericKubernetesResource createLoadTest(String namespace, String yaml) {
    GenericKubernetesResource r = Serialization.unmarshal(yaml, GenericKubernetesResource.class);
    return seed.genericKubernetesResources("barrage.io/v1alpha1", "LoadTest").inNamespace(namespace).resource(r).create();
  }

  /** The LoadTest as stored now, or null. */
  public GenericKubernetesResource loadTest(String namespace, String name) {
    return seed.genericKubernetesResources("barrage.io/v1alpha1", "LoadTest").inNamespace(namespace).withName(name).get();
  }

  /** {@code status.<field>} of the LoadTest as stored now, or null. */
  public Object loadTestStatus(String namespace, String name, String field) {
    GenericKubernetesResource r = loadTest(namespace, name);
    if (r == null || !(r.getAdditionalProperties().get("status") instanceof java.util.Map<?, ?> status)) return null;
    return status.get(field);
  }

  public void deleteLoadTest(String namespace, String name) {
    seed.genericKubernetesResources("barrage.io/v1alpha1", "LoadTest").inNamespace(namespace).withName(name).delete();
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
