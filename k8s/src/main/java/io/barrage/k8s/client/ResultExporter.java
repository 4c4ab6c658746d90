package io.barrage.k8s.client;

import io.barrage.k8s.model.Patches;
import io.barrage.k8s.model.ResultBundle;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.util.PatchUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a run's small result files (summary.json, results.csv, and report.html when it fits) into
 * a ConfigMap, so that {@code kubectl get configmap} fetches them without a volume. The ConfigMap
 * holds the latest run: files of an earlier run that this one does not have are removed. The chart
 * creates the ConfigMap (so RBAC needs only get + patch on that one name); outside the chart it is
 * created when missing.
 */
public final class ResultExporter {

  private static final Logger log = LoggerFactory.getLogger(ResultExporter.class);

  public static final String RUN_ID_ANNOTATION = "barrage.io/run-id";
  public static final String EXPORTED_AT_ANNOTATION = "barrage.io/exported-at";
  public static final String SKIPPED_ANNOTATION = "barrage.io/skipped-files";

  private final ApiClient client;
  private final CoreV1Api core;
  private final String namespace;
  private final int budgetBytes;

  public ResultExporter(ApiClient client, String namespace, int budgetBytes) {
    this.client = client;
    this.core = new CoreV1Api(client);
    this.namespace = namespace;
    this.budgetBytes = budgetBytes;
  }

  /** What was exported: the ConfigMap and the files in it, and what did not fit. */
  public record Exported(String configMap, List<String> files, List<String> skipped) {}

  /** Exports the result files found in {@code resultDir}. */
  public Exported export(String configMap, Path resultDir, String runId) throws IOException, ApiException {
    Map<String, String> candidates = new LinkedHashMap<>();
    for (String f : ResultBundle.EXPORTED) {
      Path p = resultDir.resolve(f);
      if (Files.isRegularFile(p)) {
        candidates.put(f, Files.readString(p));
      }
    }
    return export(configMap, candidates, runId);
  }

  public Exported export(String configMap, Map<String, String> files, String runId) throws ApiException {
    ResultBundle bundle = ResultBundle.select(files, budgetBytes);
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(RUN_ID_ANNOTATION, runId);
    annotations.put(EXPORTED_AT_ANNOTATION, Instant.now().toString());
    annotations.put(SKIPPED_ANNOTATION, String.join(",", bundle.skipped()));

    V1ConfigMap existing = readOrNull(configMap);
    if (existing == null) {
      V1ConfigMap cm = new V1ConfigMap()
          .apiVersion("v1")
          .kind("ConfigMap")
          .metadata(new V1ObjectMeta().name(configMap).namespace(namespace).annotations(annotations)
              .putLabelsItem("app.kubernetes.io/part-of", "barrage"))
          .data(new LinkedHashMap<>(bundle.files()));
      core.createNamespacedConfigMap(namespace, cm).execute();
    } else {
      List<String> keys = existing.getData() == null ? List.of() : List.copyOf(existing.getData().keySet());
      V1Patch patch = new V1Patch(Patches.configMapData(bundle.files(), keys, existing.getData() != null, annotations,
          existing.getMetadata() != null && existing.getMetadata().getAnnotations() != null));
      PatchUtils.patch(V1ConfigMap.class,
          () -> core.patchNamespacedConfigMap(configMap, namespace, patch).fieldManager("barrage").buildCall(null),
          V1Patch.PATCH_FORMAT_JSON_PATCH, client);
    }
    if (!bundle.skipped().isEmpty()) {
      log.warn("run {}: {} too large for ConfigMap {}; fetch it from the result directory", runId, bundle.skipped(), configMap);
    }
    log.info("run {}: exported {} to ConfigMap {}/{}", runId, bundle.files().keySet(), namespace, configMap);
    return new Exported(configMap, ResultBundle.EXPORTED.stream().filter(bundle.files()::containsKey).toList(), bundle.skipped());
  }

  private V1ConfigMap readOrNull(String name) throws ApiException {
    try {
      return core.readNamespacedConfigMap(name, namespace).execute();
    } catch (ApiException e) {
      if (e.getCode() == 404) {
        return null;
      }
      throw e;
    }
  }
}
