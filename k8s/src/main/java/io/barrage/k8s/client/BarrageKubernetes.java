package io.barrage.k8s.client;

import io.barrage.k8s.model.KubernetesSettings;
import io.barrage.k8s.model.ResultBundle;
import io.barrage.protocol.scenario.Scenario;
import io.kubernetes.client.openapi.ApiException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the coordinator asks of Kubernetes: make sure enough workers run, fill the targets'
 * deployment columns from the cluster, export the results, and (when the chart enables them) the
 * LoadTest resources to run. Built from the settings file
 * the chart mounts ({@code BARRAGE_K8S_SETTINGS}); outside Kubernetes {@link #fromEnvironment()} is
 * empty and the coordinator simply does none of this. Every method is blocking: call it off actor
 * threads.
 */
public final class BarrageKubernetes {

  private static final Logger log = LoggerFactory.getLogger(BarrageKubernetes.class);

  public static final String SETTINGS_ENV = "BARRAGE_K8S_SETTINGS";

  private final KubernetesEnvironment env;
  private final KubernetesSettings settings;
  private final Duration pollInterval;

  public BarrageKubernetes(KubernetesEnvironment env, KubernetesSettings settings, Duration pollInterval) {
    this.env = env;
    this.settings = settings;
    this.pollInterval = pollInterval;
  }

  /**
   * The integration when this process runs under the chart ({@code BARRAGE_K8S_SETTINGS} names a
   * readable file and an API server is reachable), else empty with the reason logged.
   */
  public static Optional<BarrageKubernetes> fromEnvironment() {
    return fromEnvironment(System.getenv(), KubernetesEnvironment.SERVICE_ACCOUNT_DIR, Path.of(System.getProperty("user.home")));
  }

  static Optional<BarrageKubernetes> fromEnvironment(Map<String, String> envVars, Path serviceAccountDir, Path home) {
    String file = envVars.get(SETTINGS_ENV);
    if (file == null || file.isBlank()) {
      return Optional.empty();
    }
    try {
      KubernetesSettings settings = KubernetesSettings.parse(Files.readString(Path.of(file)));
      KubernetesEnvironment env = KubernetesEnvironment.detect(envVars, serviceAccountDir, home);
      return Optional.of(new BarrageKubernetes(env, settings, Duration.ofSeconds(1)));
    } catch (IOException | IllegalArgumentException | KubernetesUnavailableException e) {
      log.warn("Kubernetes integration off: {}", e.getMessage());
      return Optional.empty();
    }
  }

  public KubernetesSettings settings() {
    return settings;
  }

  /**
   * Scales the workers up to {@code wanted} (never past the chart's max) and waits until
   * {@code joined} reports that many, at most {@code timeout}. Empty when the chart does not allow
   * scaling.
   */
  public Optional<WorkerScaler.Outcome> ensureWorkers(int wanted, Duration timeout, IntSupplier joined)
      throws ApiException, InterruptedException {
    KubernetesSettings.Workers w = settings.workers();
    if (w == null || !w.scale()) {
      return Optional.empty();
    }
    WorkerScaler scaler = new WorkerScaler(env.client(), settings.namespace(), w.kind(), w.name(), w.max(), pollInterval);
    return Optional.of(scaler.ensureAtLeast(wanted, timeout, joined));
  }

  /**
   * The scenario with the deployment columns of Service targets filled from the cluster, and their
   * DCGM exporters when the chart asks for it ({@code kubernetes.dcgm.discover}).
   */
  public Scenario discoverTargets(Scenario scenario) {
    if (!settings.discoverTargets()) {
      return scenario;
    }
    Scenario s = new TargetDiscovery(env.client(), settings.namespace(), settings.readNodeLabels(), settings.priceTable()).enrich(scenario);
    if (settings.dcgm() != null && settings.dcgm().discover()) {
      s = new DcgmDiscovery(env.client(), settings.namespace(), settings.dcgm()).enrich(s);
    }
    return s;
  }

  /**
   * The namespace's LoadTest resources (watch them, write their status), when the chart enabled them
   * ({@code loadTests.enabled}); empty otherwise.
   */
  public Optional<LoadTests> loadTests() {
    return settings.loadTests() ? Optional.of(new LoadTests(env.client(), settings.namespace())) : Optional.empty();
  }

  /** Exports the small result files of {@code resultDir} to the chart's results ConfigMap. */
  public Optional<ResultExporter.Exported> exportResults(Path resultDir, String runId) throws IOException, ApiException {
    if (!settings.exportsResults()) {
      return Optional.empty();
    }
    return Optional.of(new ResultExporter(env.client(), settings.namespace(), ResultBundle.DEFAULT_BUDGET_BYTES)
        .export(settings.resultsConfigMap(), resultDir, runId));
  }
}
