package io.barrage.k8s.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.barrage.k8s.model.KubernetesSettings.WorkloadKind;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.kubernetes.client.openapi.ApiException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WorkerScalerTest {

  private static final String NS = "load";
  private static final String STS = "perf-barrage-worker";

  private MockApi api;
  private ExecutorService pool;

  @BeforeEach
  void start() {
    api = new MockApi();
    pool = Executors.newSingleThreadExecutor();
  }

  @AfterEach
  void stop() throws InterruptedException {
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
    api.close();
  }

  private void statefulSet(int replicas, Integer readyReplicas) {
    StatefulSet sts = new StatefulSetBuilder()
        .withNewMetadata().withName(STS).withNamespace(NS).endMetadata()
        .withNewSpec().withReplicas(replicas).withServiceName(STS)
        .withNewSelector().addToMatchLabels("app.kubernetes.io/component", "worker").endSelector()
        .withTemplate(workerTemplate())
        .endSpec()
        .withNewStatus().withReplicas(replicas).withReadyReplicas(readyReplicas).endStatus()
        .build();
    api.seed.apps().statefulSets().inNamespace(NS).resource(sts).create();
  }

  private static PodTemplateSpec workerTemplate() {
    return new PodTemplateSpecBuilder()
        .withNewMetadata().addToLabels("app.kubernetes.io/component", "worker").endMetadata()
        .withNewSpec().addNewContainer().withName("worker").withImage("barrage:test").withArgs("worker").endContainer().endSpec()
        .build();
  }

  private int specReplicas() {
    return api.seed.apps().statefulSets().inNamespace(NS).withName(STS).get().getSpec().getReplicas();
  }

  private WorkerScaler scaler(WorkloadKind kind, String name, int max) {
    return new WorkerScaler(api.apiClient(), NS, kind, name, max, Duration.ofMillis(20));
  }

  @Test
  void scalesUpWithAMergePatchAndWaitsUntilTheNewWorkersHaveJoined() throws Exception {
    statefulSet(2, 2);
    AtomicInteger joined = new AtomicInteger(2);
    CompletableFuture<WorkerScaler.Outcome> outcome = CompletableFuture.supplyAsync(() -> {
      try {
        return scaler(WorkloadKind.StatefulSet, STS, 16).ensureAtLeast(5, Duration.ofSeconds(30), joined::get);
      } catch (ApiException | InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }, pool);

    await("replicas patched to 5").atMost(Duration.ofSeconds(10)).until(() -> specReplicas() == 5);
    assertThat(outcome).as("still waiting for the workers to join").isNotDone();
    joined.set(5);

    WorkerScaler.Outcome o = outcome.get(20, TimeUnit.SECONDS);
    assertThat(o).isEqualTo(new WorkerScaler.Outcome(2, 5, 5, false, true));
    // the merge patch touched only the replicas
    StatefulSet after = api.seed.apps().statefulSets().inNamespace(NS).withName(STS).get();
    assertThat(after.getSpec().getServiceName()).isEqualTo(STS);
    assertThat(after.getSpec().getSelector().getMatchLabels()).containsEntry("app.kubernetes.io/component", "worker");
  }

  @Test
  void withoutACallbackTheReadyReplicasCount() throws Exception {
    statefulSet(1, 3);
    WorkerScaler.Outcome o = scaler(WorkloadKind.StatefulSet, STS, 8).ensureAtLeast(3, Duration.ofSeconds(10), null);
    assertThat(specReplicas()).isEqualTo(3);
    assertThat(o.present()).isEqualTo(3);
    assertThat(o.reached()).isTrue();
  }

  @Test
  void neverScalesDownNorPastTheChartsMaximum() throws Exception {
    statefulSet(5, 5);
    WorkerScaler.Outcome fewer = scaler(WorkloadKind.StatefulSet, STS, 8).ensureAtLeast(3, Duration.ofSeconds(5), () -> 5);
    assertThat(specReplicas()).isEqualTo(5);
    assertThat(fewer).isEqualTo(new WorkerScaler.Outcome(5, 5, 5, false, true));

    WorkerScaler.Outcome more = scaler(WorkloadKind.StatefulSet, STS, 8).ensureAtLeast(12, Duration.ofSeconds(5), () -> 8);
    assertThat(specReplicas()).isEqualTo(8);
    assertThat(more.capped()).isTrue();
    assertThat(more.target()).isEqualTo(8);
    assertThat(more.reached()).isTrue();
  }

  @Test
  void givesUpAtTheDeadlineAndSaysHowManyCame() throws Exception {
    statefulSet(2, 2);
    WorkerScaler.Outcome o = scaler(WorkloadKind.StatefulSet, STS, 8).ensureAtLeast(4, Duration.ofMillis(300), () -> 3);
    assertThat(specReplicas()).isEqualTo(4);
    assertThat(o.reached()).isFalse();
    assertThat(o.present()).isEqualTo(3);
  }

  @Test
  void scalesADeploymentToo() throws Exception {
    api.seed.apps().deployments().inNamespace(NS).resource(new DeploymentBuilder()
        .withNewMetadata().withName("workers").withNamespace(NS).endMetadata()
        .withNewSpec().withReplicas(1)
        .withNewSelector().addToMatchLabels("app.kubernetes.io/component", "worker").endSelector()
        .withTemplate(workerTemplate()).endSpec().build()).create();
    WorkerScaler.Outcome o = scaler(WorkloadKind.Deployment, "workers", 4).ensureAtLeast(4, Duration.ofSeconds(5), () -> 4);
    assertThat(api.seed.apps().deployments().inNamespace(NS).withName("workers").get().getSpec().getReplicas()).isEqualTo(4);
    assertThat(o.reached()).isTrue();
  }

  @Test
  void aMissingWorkloadIsAnApiErrorNamingTheStatus() {
    assertThatThrownBy(() -> scaler(WorkloadKind.StatefulSet, "nope", 4).ensureAtLeast(2, Duration.ofSeconds(1), () -> 0))
        .isInstanceOf(ApiException.class)
        .satisfies(e -> assertThat(((ApiException) e).getCode()).isEqualTo(404));
  }
}
