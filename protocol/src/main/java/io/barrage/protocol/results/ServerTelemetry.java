package io.barrage.protocol.results;

import java.util.List;
import java.util.Map;

/**
 * What the coordinator scraped from one target's metrics endpoints during one cell
 * (docs/telemetry.md): every scrape reduced to canonical values, the endpoints with their successes
 * and failures, and the unknown series as last seen.
 *
 * @param stack whose names the endpoint served ({@code tgi}, {@code vllm}, {@code llamacpp}), or
 *     {@code unknown} when none was recognised; null when no scrape of the stack endpoint succeeded
 * @param samples every successful scrape in time order; the first and last of each endpoint are the
 *     cell's boundaries (taken before its first request and after its last answer)
 * @param raw the series of unrecognised metrics at the cell's last successful scrape, by
 *     {@code name{labels}} (at most {@link #RAW_LIMIT}), kept as the server published them
 */
public record ServerTelemetry(String stack, List<Endpoint> endpoints, List<Sample> samples, Map<String, Double> raw) {
  public static final int RAW_LIMIT = 200;

  public ServerTelemetry {
    endpoints = List.copyOf(endpoints);
    samples = List.copyOf(samples);
    raw = Map.copyOf(raw);
  }

  /**
   * One endpoint scraped during the cell.
   *
   * @param kind {@code stack} (the serving stack's metrics) or {@code dcgm} (the GPUs')
   * @param url without user info or query
   * @param attempts scrapes started; {@code ok} of them succeeded, the rest are missing samples
   * @param errors the first distinct errors (at most 3), e.g. {@code connect: Connection refused}
   * @param credentialNote null when no credential was involved; else whether the target's credential
   *     was sent and, when it was not, why (the secrets-bound-to-hosts rule)
   */
  public record Endpoint(String kind, String url, long attempts, long ok, List<String> errors, String credentialNote) {
    public Endpoint {
      errors = List.copyOf(errors);
    }

    public long missing() {
      return attempts - ok;
    }
  }

  /**
   * One successful scrape.
   *
   * @param values canonical values by key (docs/telemetry.md): gauges as read, counters and
   *     histogram sums and counts cumulative as the server keeps them
   */
  public record Sample(long epochMs, String kind, Map<String, Double> values) {
    public Sample {
      values = Map.copyOf(values);
    }
  }
}
