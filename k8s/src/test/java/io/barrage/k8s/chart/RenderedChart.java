package io.barrage.k8s.chart;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.util.Yaml;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The chart rendered by the real helm binary (helm-java) and parsed into client-java model objects.
 *
 * <p>helm-java's {@code template} returns the release manifest without hooks. To inspect the hook
 * objects (the generated API-token Secret, the {@code helm test} Pod), {@link #withHooks} renders a
 * copy of the chart in which each {@code helm.sh/hook} annotation key is renamed to
 * {@value #HOOK_MARKER}, so hooks render as ordinary objects that still say which hook they were.
 */
public final class RenderedChart {

  public static final Path CHART = locateChart();
  public static final String RELEASE = "perf";
  public static final String NAMESPACE = "load";
  public static final String KUBE_VERSION = "1.30.0";
  public static final String HOOK_MARKER = "barrage.test/helm-hook";

  public final List<KubernetesObject> objects;

  private RenderedChart(List<KubernetesObject> objects) {
    this.objects = objects;
  }

  /** Renders the chart with values files (from test resources) and --set pairs. */
  public static RenderedChart render(List<String> valuesFiles, Map<String, Object> sets) {
    return parse(template(CHART, valuesFiles, sets));
  }

  public static RenderedChart render(Map<String, Object> sets) {
    return render(List.of(), sets);
  }

  /** Renders with hook objects included (see class comment). */
  static RenderedChart withHooks(List<String> valuesFiles, Map<String, Object> sets) {
    Path copy = copyChart();
    try (Stream<Path> files = Files.walk(copy.resolve("templates"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
        Files.writeString(f, Files.readString(f).replace("helm.sh/hook:", HOOK_MARKER + ":"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return parse(template(copy, valuesFiles, sets));
  }

  static String template(Path chart, List<String> valuesFiles, Map<String, Object> sets) {
    TemplateCommand cmd =
        new Helm(chart).template().withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(KUBE_VERSION);
    for (String v : valuesFiles) {
      cmd = cmd.withValuesFile(valuesFile(v));
    }
    for (Map.Entry<String, Object> e : sets.entrySet()) {
      cmd = cmd.set(e.getKey(), e.getValue());
    }
    return cmd.call();
  }

  static LintResult lint(Path chart) {
    return new Helm(chart).lint().strict().call();
  }

  static Path valuesFile(String name) {
    Path p = CHART.getParent().getParent().resolve("k8s/src/test/resources/values").resolve(name);
    if (!Files.isRegularFile(p)) {
      throw new IllegalArgumentException("no values file " + p);
    }
    return p;
  }

  /** A throw-away copy of the chart, e.g. to lint it with a different values.yaml. */
  static Path copyChart() {
    try {
      Path dir = Files.createTempDirectory("barrage-chart-").resolve("barrage");
      try (Stream<Path> files = Files.walk(CHART)) {
        for (Path src : files.toList()) {
          Path dst = dir.resolve(CHART.relativize(src).toString());
          if (Files.isDirectory(src)) {
            Files.createDirectories(dst);
          } else {
            Files.copy(src, dst);
          }
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static RenderedChart parse(String manifest) {
    List<Object> loaded;
    try {
      loaded = Yaml.loadAll(manifest);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<KubernetesObject> out = new ArrayList<>();
    for (Object o : loaded) {
      if (o == null) {
        continue;
      }
      if (!(o instanceof KubernetesObject k)) {
        throw new AssertionError("rendered object is not a Kubernetes model type: " + o.getClass());
      }
      out.add(k);
    }
    return new RenderedChart(out);
  }

  <T extends KubernetesObject> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  public <T extends KubernetesObject> T one(Class<T> type, String name) {
    return all(type).stream()
        .filter(o -> Objects.equals(o.getMetadata().getName(), name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " named " + name + " in " + names()));
  }

  List<String> names() {
    return objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList();
  }

  private static Path locateChart() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      Path chart = d.resolve("helm/barrage/Chart.yaml");
      if (Files.isRegularFile(chart)) {
        return chart.getParent();
      }
    }
    throw new IllegalStateException("helm/barrage not found above " + dir);
  }
}
