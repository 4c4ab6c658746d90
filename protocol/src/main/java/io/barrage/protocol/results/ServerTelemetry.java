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
 * @param gpus which DCGM exporters the {@code dcgm} samples combine and whether any was missing;
 *     null when the target has none
 */
public record ServerTelemetry(String stack, List<Endpoint> endpoints, List<Sample> samples, Map<String, Double> raw, Gpus gpus) {
  public static final int RAW_LIMIT = 200;

  public ServerTelemetry {
    endpoints = List.copyOf(endpoints);
    samples = List.copyOf(samples);
    raw = Map.copyOf(raw);
  }

  /** Without DCGM exporters. */
  public ServerTelemetry(String stack, List<Endpoint> endpoints, List<Sample> samples, Map<String, Double> raw) {
    this(stack, endpoints, samples, raw, null);
  }

  /**
   * The GPU coverage of a cell's {@code dcgm} samples.
   *
   * @param exporters DCGM exporters of the target (one per node that runs its pods, under discovery)
   * @param gpus the most GPUs one combined sample counted
   * @param partial some sample lacked an exporter (no answer within its hold, or never): the GPU
   *     figures then cover only the GPUs of the others
   * @param missing the exporters lacking at some point, by node (else URL)
   */
  public record Gpus(int exporters, int gpus, boolean partial, List<String> missing) {
    public Gpus {
      missing = List.copyOf(missing);
    }
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
   * @param node a DCGM exporter's node, when known; null otherwise
   * @param gpus GPUs of a DCGM exporter counted for the target at its last successful scrape; null
   *     for a stack endpoint or before one
   * @param gpuSelection how they were chosen: {@code every-gpu}, {@code pod-labels},
   *     {@code node-without-pod-labels} (docs/telemetry.md); null as {@code gpus}
   */
  public record Endpoint(String kind, String url, long attempts, long ok, List<String> errors, String credentialNote, String node,
      Integer gpus, String gpuSelection) {
    public Endpoint {
      errors = List.copyOf(errors);
    }

    public Endpoint(String kind, String url, long attempts, long ok, List<String> errors, String credentialNote) {
      this(kind, url, attempts, ok, errors, credentialNote, null, null, null);
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
