package io.barrage.k8s.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubernetesEnvironmentTest {

  @Test
  void outsideAPodTheKubeconfigsCurrentContextIsUsed(@TempDir Path dir) throws Exception {
    try (MockApi api = new MockApi()) {
      api.seed.configMaps().inNamespace("team-a").resource(new ConfigMapBuilder()
          .withNewMetadata().withName("hello").withNamespace("team-a").endMetadata().addToData("k", "v").build()).create();
      Path kubeconfig = api.kubeconfig(dir, "team-a");

      KubernetesEnvironment env = KubernetesEnvironment.detect(Map.of("KUBECONFIG", kubeconfig.toString()), dir.resolve("no-sa"), dir);

      assertThat(env.mode()).isEqualTo(KubernetesEnvironment.Mode.KUBECONFIG);
      assertThat(env.namespace()).isEqualTo("team-a");
      assertThat(env.server()).isEqualTo(api.url());
      var cm = new CoreV1Api(env.client()).readNamespacedConfigMap("hello", env.namespace()).execute();
      assertThat(cm.getData()).containsEntry("k", "v");
    }
  }

  @Test
  void theDefaultKubeconfigIsTheOneInTheHomeDirectory(@TempDir Path home) throws Exception {
    try (MockApi api = new MockApi()) {
      Files.createDirectories(home.resolve(".kube"));
      Files.move(api.kubeconfig(home, "team-b"), home.resolve(".kube/config"));
      KubernetesEnvironment env = KubernetesEnvironment.detect(Map.of(), home.resolve("no-sa"), home);
      assertThat(env.namespace()).isEqualTo("team-b");
    }
  }

  @Test
  void inAPodTheServiceAccountAndServiceHostAreUsed(@TempDir Path dir) throws Exception {
    Path sa = Files.createDirectories(dir.resolve("serviceaccount"));
    Files.writeString(sa.resolve("token"), "eyJhbGciOi.not.real");
    Files.writeString(sa.resolve("namespace"), "load\n");
    Path kubeconfig = dir.resolve("kubeconfig-that-must-not-win");
    Files.writeString(kubeconfig, "apiVersion: v1\nkind: Config\n");

    KubernetesEnvironment env = KubernetesEnvironment.detect(
        Map.of("KUBERNETES_SERVICE_HOST", "10.96.0.1", "KUBERNETES_SERVICE_PORT", "443", "KUBECONFIG", kubeconfig.toString()), sa, dir);

    assertThat(env.mode()).isEqualTo(KubernetesEnvironment.Mode.IN_CLUSTER);
    assertThat(env.namespace()).isEqualTo("load");
    assertThat(env.server()).isEqualTo("https://10.96.0.1:443");
    assertThat(env.client().getBasePath()).isEqualTo("https://10.96.0.1:443");
  }

  @Test
  void anIpv6ServiceHostIsBracketed(@TempDir Path sa) throws Exception {
    Files.writeString(sa.resolve("token"), "t");
    KubernetesEnvironment env = KubernetesEnvironment.detect(
        Map.of("KUBERNETES_SERVICE_HOST", "fd00::1", "KUBERNETES_SERVICE_PORT", "6443", "POD_NAMESPACE", "x"), sa, sa);
    assertThat(env.server()).isEqualTo("https://[fd00::1]:6443");
    assertThat(env.namespace()).as("no namespace file: the downward API's").isEqualTo("x");
  }

  @Test
  void neitherAPodNorAKubeconfigIsAClearError(@TempDir Path dir) {
    assertThatThrownBy(() -> KubernetesEnvironment.detect(Map.of(), dir.resolve("sa"), dir))
        .isInstanceOf(KubernetesUnavailableException.class)
        .hasMessageContaining("KUBERNETES_SERVICE_HOST")
        .hasMessageContaining(dir.resolve(".kube/config").toString());
  }
}
