package io.barrage.cli;

import io.barrage.coordinator.run.RunHooks;
import io.barrage.k8s.client.BarrageKubernetes;
import io.barrage.k8s.client.ResultExporter;
import io.barrage.k8s.client.WorkerScaler;
import io.barrage.protocol.scenario.Scenario;
import io.kubernetes.client.openapi.ApiException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's {@link RunHooks} under Kubernetes, on the {@code k8s} module's facade: fill the
 * targets' deployment columns from the cluster before planning, scale the worker StatefulSet when a
 * run needs more workers than are Up, export the small result files to the results ConfigMap. Every
 * Kubernetes failure (RBAC, API down, timeouts) is a WARN and the run goes on without it.
 */
final class KubernetesRunHooks implements RunHooks {
  private static final Logger log = LoggerFactory.getLogger(KubernetesRunHooks.class);

  /** How long a scale-up may wait for the new workers to join (image pull + JVM start + join). */
  static final Duration DEFAULT_SCALE_TIMEOUT = Duration.ofMinutes(5);

  private final BarrageKubernetes k8s;
  private final Duration scaleTimeout;

  KubernetesRunHooks(BarrageKubernetes k8s, Duration scaleTimeout) {
    this.k8s = k8s;
    this.scaleTimeout = scaleTimeout;
  }

  /** The hooks when this process runs under the chart, else {@link RunHooks#NONE}. */
  static RunHooks fromEnvironment() {
    return of(BarrageKubernetes.fromEnvironment());
  }

  /** The hooks on {@code k8s} (the integration found under the chart), else {@link RunHooks#NONE}. */
  static RunHooks of(Optional<BarrageKubernetes> k8s) {
    if (k8s.isEmpty()) return RunHooks.NONE;
    log.info("Kubernetes integration on: namespace {}", k8s.get().settings().namespace());
    return new KubernetesRunHooks(k8s.get(), DEFAULT_SCALE_TIMEOUT);
  }

  @Override
  public Scenario beforePlan(Scenario scenario) {
    try {
      return k8s.discoverTargets(scenario);
    } catch (RuntimeException e) {
      log.warn("target discovery failed, deployment columns left as written: {}", e.toString());
      return scenario;
    }
  }

  @Override
  public void ensureWorkers(int needed, IntSupplier workersUp) {
    int up = workersUp.getAsInt();
    if (up >= needed) return; // enough are running: nothing to ask of the API
    try {
      Optional<WorkerScaler.Outcome> o = k8s.ensureWorkers(needed, scaleTimeout, workersUp);
      if (o.isEmpty()) {
        log.warn("the run needs {} workers and {} are up; scaling is off in the chart (kubernetes.scaleWorkers), waiting for them", needed, up);
      } else if (!o.get().reached()) {
        log.warn("asked for {} workers ({} in the spec before{}), {} joined within {}; the run waits for the rest",
            o.get().target(), o.get().before(), o.get().capped() ? ", capped at the chart's maximum" : "", o.get().present(), scaleTimeout);
      } else {
        log.info("workers scaled from {} to {}; {} joined", o.get().before(), o.get().target(), o.get().present());
      }
    } catch (ApiException e) {
      log.warn("cannot scale the workers to {}: {}", needed, describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn("cannot scale the workers to {}: {}", needed, e.toString());
    }
  }

  @Override
  public void afterResults(Path runDir, String runId) {
    try {
      Optional<ResultExporter.Exported> x = k8s.exportResults(runDir, runId);
      x.ifPresent(e -> log.info("run {}: results exported to ConfigMap {} ({}{})", runId, e.configMap(), String.join(", ", e.files()),
          e.skipped().isEmpty() ? "" : "; too large for a ConfigMap: " + String.join(", ", e.skipped())));
    } catch (ApiException e) {
      log.warn("run {}: cannot export the results: {}", runId, describe(e));
    } catch (IOException | RuntimeException e) {
      log.warn("run {}: cannot export the results: {}", runId, e.toString());
    }
  }

  /** An API failure in a sentence: the HTTP status (403 named as RBAC) or the transport problem. */
  static String describe(ApiException e) {
    if (e.getCode() == 0) return "Kubernetes API unreachable (" + e.getMessage() + ")";
    return "Kubernetes API answered " + e.getCode() + (e.getCode() == 403 ? " (forbidden by RBAC)" : e.getCode() == 404 ? " (not found)" : "");
  }
}
