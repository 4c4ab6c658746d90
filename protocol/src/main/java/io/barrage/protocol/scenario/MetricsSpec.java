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
 * @param dcgm a DCGM exporter's metrics URL (utilisation, memory, power of the target's GPUs); null: none
 */
public record MetricsSpec(Boolean enabled, String url, Duration interval, String dcgm) {
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
  public static final Duration MIN_INTERVAL = Duration.ofMillis(100);
  public static final Duration MAX_INTERVAL = Duration.ofMinutes(10);

  @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
  public MetricsSpec {}

  /** {@code metrics: true|false}. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static MetricsSpec of(boolean on) {
    return new MetricsSpec(on, null, null, null);
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
    if (m.enabled() != null && !m.enabled() && (m.url() != null || m.interval() != null || m.dcgm() != null)) {
      out.add(new ScenarioProblem(p + ".enabled", "false turns scraping off: leave out url, interval and dcgm, or remove enabled"));
    }
    url(m.url(), p + ".url", out);
    url(m.dcgm(), p + ".dcgm", out);
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
