package io.barrage.k8s.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.barrage.protocol.wire.ClusterConfig;
import io.barrage.protocol.wire.ClusterSecurity;
import io.kubernetes.client.openapi.models.V1Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The certificates the chart generates, used as the pods use them: two nodes with one install's
 * Secret form a cluster over mutual TLS; a node with another install's Secret does not get in.
 */
class ChartClusterTlsIT {

  @TempDir Path tmp;

  private Path secretDir(String name) throws Exception {
    V1Secret secret = RenderedChart.withHooks(List.of(), Map.of()).one(V1Secret.class, "perf-barrage-cluster-tls");
    assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
    Path dir = Files.createDirectory(tmp.resolve(name));
    for (Map.Entry<String, byte[]> e : secret.getData().entrySet()) Files.write(dir.resolve(e.getKey()), e.getValue());
    return dir;
  }

  private static ActorSystem<Void> node(String role, Path dir, List<String> seeds) {
    return ActorSystem.create(Behaviors.empty(), ClusterConfig.SYSTEM_NAME,
        ClusterConfig.node(List.of(role), "127.0.0.1", "127.0.0.1", 0, seeds, new ClusterSecurity.MutualTls(dir)));
  }

  private static long members(ActorSystem<?> s) {
    return java.util.stream.StreamSupport.stream(Cluster.get(s).state().getMembers().spliterator(), false).count();
  }

  @Test
  void podsWithTheReleasesSecretFormAClusterAndANodeWithAnotherInstallsSecretIsKeptOut() throws Exception {
    Path release = secretDir("release");
    Path otherInstall = secretDir("other-install");
    ActorSystem<Void> coordinator = node(ClusterConfig.ROLE_COORDINATOR, release, List.of());
    ActorSystem<Void> stranger = null;
    ActorSystem<Void> worker = null;
    try {
      Cluster.get(coordinator).manager().tell(Join.create(Cluster.get(coordinator).selfMember().address()));
      String seed = "127.0.0.1:" + Cluster.get(coordinator).selfMember().address().port().get();
      // the stranger starts first: it has had at least as long to get in as the worker
      stranger = node(ClusterConfig.ROLE_WORKER, otherInstall, List.of(seed));
      worker = node(ClusterConfig.ROLE_WORKER, release, List.of(seed));
      ActorSystem<Void> w = worker;
      await("the worker with the release's certificate is Up").atMost(Duration.ofSeconds(60)).until(() -> Cluster.get(w).selfMember().status() == MemberStatus.up());
      assertThat(members(coordinator)).isEqualTo(2);
      assertThat(Cluster.get(stranger).selfMember().status()).isNotEqualTo(MemberStatus.up());
    } finally {
      // all three shut down together: a node's coordinated shutdown can wait on the others
      ActorSystem<?>[] all = {worker, stranger, coordinator};
      for (ActorSystem<?> s : all) if (s != null) s.terminate();
      for (ActorSystem<?> s : all) if (s != null) s.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }
}
