package io.barrage.coordinator.report.model;

import java.util.List;
import java.util.Map;

/**
 * A cell's {@code server} object in summary.json: what the serving stack and its GPUs said about
 * themselves during the cell (docs/telemetry.md, docs/results.md).
 *
 * @param stack whose names were recognised ({@code tgi}, {@code vllm}, {@code llamacpp}, {@code unknown}); null when no scrape succeeded
 * @param series per canonical series key, its mean and max over the cell (only series the stack published)
 * @param tokensGenerated the server's output-token count over the cell (its counter's increase); null when unknown
 * @param tokenCheck that count against barrage's own for the cell; null when the server's is unknown
 * @param energy from the GPUs' power; null without a DCGM endpoint or with fewer than two of its samples
 * @param endpoints each endpoint scraped, with its samples, missing samples and errors
 * @param raw unrecognised series at the cell's last scrape, by {@code name{labels}}
 * @param gpus the DCGM exporters the GPU series and energy combine, and whether they are partial;
 *     null without a DCGM endpoint
 */
public record ServerSummary(
    String stack,
    Map<String, Series> series,
    Long tokensGenerated,
    TokenCheck tokenCheck,
    Energy energy,
    List<Endpoint> endpoints,
    Map<String, Double> raw,
    Gpus gpus) {

  /** Without DCGM coverage. */
  public ServerSummary(String stack, Map<String, Series> series, Long tokensGenerated, TokenCheck tokenCheck, Energy energy,
      List<Endpoint> endpoints, Map<String, Double> raw) {
    this(stack, series, tokensGenerated, tokenCheck, energy, endpoints, raw, null);
  }

  /**
   * @param exporters DCGM exporters of the target (one per node under discovery)
   * @param gpus GPUs counted (the most in one combined sample)
   * @param partial some exporter was missing for part or all of the cell: the GPU series and the
   *     energy then cover only the others' GPUs
   * @param missing those exporters, by node (else URL)
   */
  public record Gpus(int exporters, int gpus, boolean partial, List<String> missing) {}

  /** Mean and maximum of one series over the cell, in {@code unit}. */
  public record Series(Double mean, Double max, String unit) {}

  /**
   * @param server {@code tokensGenerated}
   * @param client barrage's count for the cell: the client's own ({@code tokens.client}) where it
   *     counted, else {@code outputTokens}; named by {@code clientSource}
   * @param difference server − client
   * @param match the two are equal
   * @param note why they may differ, when the cell had failed or warm-up requests (the server counts those too)
   */
  public record TokenCheck(long server, long client, String clientSource, long difference, boolean match, String note) {}

  /**
   * @param joules the GPUs' energy over the cell: the DCGM energy counter's increase
   *     ({@code source: energy-counter}), else the power samples integrated over time ({@code power-integral})
   * @param tokens the output tokens it is divided by ({@code tokensSource}: {@code server}, the
   *     server's count over the same span, else {@code client}, the cell's outputTokens)
   * @param usdPer1MTokens the cell's cost per 1M tokens, beside it
   */
  public record Energy(Double joules, Double seconds, Double meanPowerWatts, Double maxPowerWatts, long tokens, String tokensSource,
      Double joulesPerOutputToken, Double joulesPer1MTokens, Double kWhPer1MTokens, Double usdPer1MTokens, String source) {}

  /**
   * @param kind {@code stack} or {@code dcgm}
   * @param samples scrapes that succeeded; {@code missing} the ones that did not (failed, timed out,
   *     malformed, or skipped behind a slow one)
   * @param errors the first distinct errors
   * @param credential whether the target's credential was sent, and why not; null when it has none
   * @param node a DCGM exporter's node, when known
   * @param gpus GPUs of a DCGM exporter counted for the target (at its last scrape)
   * @param gpuSelection {@code every-gpu}, {@code pod-labels} or {@code node-without-pod-labels}
   */
  public record Endpoint(String kind, String url, long samples, long missing, List<String> errors, String credential, String node,
      Integer gpus, String gpuSelection) {
    public Endpoint(String kind, String url, long samples, long missing, List<String> errors, String credential) {
      this(kind, url, samples, missing, errors, credential, null, null, null);
    }
  }
}
