package io.barrage.protocol.scenario;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * {@code targets[].metrics}: where and how often the coordinator scrapes the serving stack's own
 * metrics during each cell, and the DCGM exporter of its GPUs (docs/telemetry.md). {@code metrics:
 * false} turns scraping off for the target; absent, the stack's default path for its api kind is
 * scraped every second.
 *
 * @param enabled false: no scraping at all for this target (YAML {@code metrics: false}); null: on
 * @param url the metrics endpoint; null: the default for the api kind ({@link #defaultUrl})
 * @param interval time between scrapes; null: 1 s
 * @param dcgm a DCGM exporter's metrics URL (utilisation, memory, power of the target's GPUs), every GPU
 *     it reports counted; null: none
 * @param dcgmExporters several DCGM exporters, one per node that runs a pod of the target (what
 *     Kubernetes discovery fills in), combined per scrape; null or empty: none. Not with {@code dcgm}.
 */
public record MetricsSpec(Boolean enabled, String url, Duration interval, String dcgm, List<DcgmExporter> dcgmExporters) {
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
  public static final Duration MIN_INTERVAL = Duration.ofMillis(100);
  public static final Duration MAX_INTERVAL = Duration.ofMinutes(10);

  @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
  public MetricsSpec {
    dcgmExporters = dcgmExporters == null || dcgmExporters.isEmpty() ? null : List.copyOf(dcgmExporters);
  }

  /** Without {@code dcgmExporters}. */
  public MetricsSpec(Boolean enabled, String url, Duration interval, String dcgm) {
    this(enabled, url, interval, dcgm, null);
  }

  /** {@code metrics: true|false}. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static MetricsSpec of(boolean on) {
    return new MetricsSpec(on, null, null, null, null);
  }

  /**
   * One DCGM exporter of {@code metrics.dcgmExporters} (docs/telemetry.md, "GPUs on several nodes").
   *
   * @param url its metrics URL; null when discovery found no running exporter on {@code node} (the
   *     node's GPUs are then reported missing, never silently left out)
   * @param node the node it runs on, as reports name it; null: not known
   * @param pods the target's pods on that node as {@code namespace/name}: when the exporter labels
   *     its GPUs with {@code pod} and {@code namespace}, only those pods' GPUs are counted; empty:
   *     every GPU it reports
   */
  public record DcgmExporter(String url, String node, List<String> pods) {
    public DcgmExporter {
      pods = pods == null ? List.of() : List.copyOf(pods);
    }
  }

  /** The exporters to scrape: {@code dcgmExporters}, else {@code dcgm} as one exporter counting every GPU, else none. */
  public List<DcgmExporter> exporters() {
    if (dcgmExporters != null) return dcgmExporters;
    return dcgm == null ? List.of() : List.of(new DcgmExporter(dcgm, null, List.of()));
  }

  public boolean on() {
    return enabled == null || enabled;
  }

  public Duration intervalOrDefault() {
    return interval == null ? DEFAULT_INTERVAL : interval;
  }

  /**
   * The stack's metrics endpoint when the scenario names none: {@code /metrics} on the server's base
   * URL (TGI, vLLM and llama.cpp serve it on their API port; a trailing {@code /v1} is dropped); null
   * for {@code fastapi}, whose url is an endpoint and whose app has no standard metrics path.
   */
  public static String defaultUrl(Target t) {
    if (t.api() == ApiKind.FASTAPI || t.url() == null) return null;
    String base = t.url().replaceAll("/+$", "");
    if (base.endsWith("/v1")) base = base.substring(0, base.length() - 3);
    return base + "/metrics";
  }

  /** Every problem of {@code targets[i].metrics}, with its path. */
  static void validate(MetricsSpec m, String p, List<ScenarioProblem> out) {
    if (m == null) return;
    if (m.enabled() != null && !m.enabled() && (m.url() != null || m.interval() != null || m.dcgm() != null || m.dcgmExporters() != null)) {
      out.add(new ScenarioProblem(p + ".enabled", "false turns scraping off: leave out url, interval, dcgm and dcgmExporters, or remove enabled"));
    }
    url(m.url(), p + ".url", out);
    url(m.dcgm(), p + ".dcgm", out);
    if (m.dcgm() != null && m.dcgmExporters() != null) {
      out.add(new ScenarioProblem(p + ".dcgmExporters", "give one exporter as dcgm or several as dcgmExporters, not both"));
    }
    if (m.dcgmExporters() != null) {
      for (int i = 0; i < m.dcgmExporters().size(); i++) {
        DcgmExporter x = m.dcgmExporters().get(i);
        String xp = p + ".dcgmExporters[" + i + "]";
        if (x == null) {
          out.add(new ScenarioProblem(xp, "must be a mapping {url, node, pods}"));
          continue;
        }
        if (x.url() == null && x.node() == null) out.add(new ScenarioProblem(xp + ".url", "required (or a node, whose exporter is then reported missing)"));
        url(x.url(), xp + ".url", out);
        for (int j = 0; j < x.pods().size(); j++) {
          String pod = x.pods().get(j);
          if (pod == null || !pod.matches("[^/\\s]+/[^/\\s]+")) {
            out.add(new ScenarioProblem(xp + ".pods[" + j + "]", "'" + pod + "' is not namespace/name"));
          }
        }
      }
    }
    if (m.interval() != null && (m.interval().compareTo(MIN_INTERVAL) < 0 || m.interval().compareTo(MAX_INTERVAL) > 0)) {
      out.add(new ScenarioProblem(p + ".interval", "must be between 100ms and 10m"));
    }
  }

  private static void url(String u, String p, List<ScenarioProblem> out) {
    if (u == null) return;
    try {
      URI uri = new URI(u);
      if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
        out.add(new ScenarioProblem(p, "'" + u + "' is not an http:// or https:// URL with a host"));
      }
    } catch (java.net.URISyntaxException e) {
      out.add(new ScenarioProblem(p, "'" + u + "' is not a URL: " + e.getReason()));
    }
  }
}
