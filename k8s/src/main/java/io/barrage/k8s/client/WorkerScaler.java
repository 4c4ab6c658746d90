package io.barrage.k8s.client;

import io.barrage.k8s.model.KubernetesSettings.WorkloadKind;
import io.barrage.k8s.model.Patches;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.util.PatchUtils;
import java.time.Duration;
import java.util.Objects;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raises the worker workload's replicas when a scenario needs more workers than run, then waits
 * (bounded) until enough are there. "There" is what the caller says: the coordinator passes the
 * number of workers that have joined the cluster; without a callback, the workload's ready
 * replicas (a worker is Ready only once joined, see the chart's readiness probe).
 *
 * <p>Only ever scales up, never past {@code max}: scaling down mid-run would take load away, and
 * the chart's value is restored by the next {@code helm upgrade}. Blocking: call it off any actor
 * thread (e.g. from a {@code CompletableFuture} on a blocking dispatcher).
 */
public final class WorkerScaler {

  private static final Logger log = LoggerFactory.getLogger(WorkerScaler.class);

  private final AppsV1Api apps;
  private final ApiClient client;
  private final String namespace;
  private final WorkloadKind kind;
  private final String name;
  private final int max;
  private final Duration pollInterval;

  public WorkerScaler(ApiClient client, String namespace, WorkloadKind kind, String name, int max, Duration pollInterval) {
    this.client = Objects.requireNonNull(client);
    this.apps = new AppsV1Api(client);
    this.namespace = namespace;
    this.kind = kind;
    this.name = name;
    this.max = max;
    this.pollInterval = pollInterval;
  }

  /**
   * How a scale-up went.
   *
   * @param before replicas in the spec before
   * @param target replicas asked for (capped at max)
   * @param present workers present when the wait ended
   * @param capped the request exceeded max
   * @param reached {@code present >= target} before the deadline
   */
  public record Outcome(int before, int target, int present, boolean capped, boolean reached) {}

  /**
   * Makes sure at least {@code wanted} workers are present.
   *
   * @param joined how many workers have joined, or null to use the workload's ready replicas
   * @throws ApiException when the API refuses the read or the patch (e.g. RBAC)
   */
  public Outcome ensureAtLeast(int wanted, Duration timeout, IntSupplier joined) throws ApiException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int before = specReplicas();
    int target = Math.min(wanted, max);
    boolean capped = wanted > max;
    if (capped) {
      log.warn("scenario wants {} workers, {} {} may scale to {} at most", wanted, kind, name, max);
    }
    if (before < target) {
      log.info("scaling {} {}/{} from {} to {} replicas", kind, namespace, name, before, target);
      patchReplicas(target);
    }
    int present = present(joined);
    while (present < target && System.nanoTime() < deadline) {
      Thread.sleep(Math.max(1, Math.min(pollInterval.toMillis(), (deadline - System.nanoTime()) / 1_000_000)));
      present = present(joined);
    }
    if (present < target) {
      log.warn("{} of {} workers present after {}; going on with what there is", present, target, timeout);
    }
    return new Outcome(before, Math.max(before, target), present, capped, present >= target);
  }

  private int present(IntSupplier joined) throws ApiException {
    if (joined != null) {
      return joined.getAsInt();
    }
    Integer ready = switch (kind) {
      case StatefulSet -> {
        V1StatefulSet s = apps.readNamespacedStatefulSet(name, namespace).execute();
        yield s.getStatus() == null ? null : s.getStatus().getReadyReplicas();
      }
      case Deployment -> {
        V1Deployment d = apps.readNamespacedDeployment(name, namespace).execute();
        yield d.getStatus() == null ? null : d.getStatus().getReadyReplicas();
      }
    };
    return ready == null ? 0 : ready;
  }

  private int specReplicas() throws ApiException {
    Integer r = switch (kind) {
      case StatefulSet -> apps.readNamespacedStatefulSet(name, namespace).execute().getSpec().getReplicas();
      case Deployment -> apps.readNamespacedDeployment(name, namespace).execute().getSpec().getReplicas();
    };
    return r == null ? 1 : r;
  }

  private void patchReplicas(int replicas) throws ApiException {
    V1Patch patch = new V1Patch(Patches.replicas(replicas));
    switch (kind) {
      case StatefulSet -> PatchUtils.patch(V1StatefulSet.class,
          () -> apps.patchNamespacedStatefulSet(name, namespace, patch).fieldManager("barrage").buildCall(null),
          V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, client);
      case Deployment -> PatchUtils.patch(V1Deployment.class,
          () -> apps.patchNamespacedDeployment(name, namespace, patch).fieldManager("barrage").buildCall(null),
          V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, client);
    }
  }
}
