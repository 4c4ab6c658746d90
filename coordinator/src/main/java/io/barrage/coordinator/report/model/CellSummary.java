package io.barrage.coordinator.report.model;

import java.util.List;
import java.util.Map;

/**
 * One measured cell (target × maxNewTokens × load level × repeat).
 *
 * @param perRequestThroughput each successful request's output tokens ÷ its e2e, in tokens per second
 *     (the FastAPI-vs-TGI article's "throughput", "output tokens/s per user" elsewhere)
 * @param latency one entry per latency metric key ({@code ttft}, {@code e2e}, {@code tpot}, {@code ntpot}, ...)
 * @param slo the SLO checks of this cell, null when the scenario has no {@code slo}
 * @param unreachable when the target could not be reached during the cell (connections refused or
 *     timed out), joined over workers; empty when it always could
 * @param status {@value #COMPLETED} when the cell ran to its plan, {@value #INTERRUPTED} when it was
 *     cut short (stopped, interrupted, every worker gone); its window is then the time it measured
 * @param goodput requests that met every per-request threshold of the scenario's {@code slo}; null
 *     when the scenario sets no threshold
 * @param server what the target's metrics endpoints said during the cell (docs/telemetry.md); null
 *     when nothing was scraped
 * @param traffic multi-turn sessions and trace replay figures; absent for other cells
 * @param probe set when the cell is a probe of a capacity search ({@code workload.load.search}): its
 *     place in the search and its verdict; null for every other cell
 */
public record CellSummary(
    String id,
    String target,
    LoadInfo load,
    int maxNewTokens,
    int repeat,
    String startedAt,
    String endedAt,
    Requests requests,
    long outputTokens,
    Tokens tokens,
    double windowSeconds,
    Throughput throughput,
    RateSummary perRequestThroughput,
    Map<String, LatencySummary> latency,
    Cost cost,
    Generator generator,
    Slo slo,
    List<Unreachable> unreachable,
    String status,
    Goodput goodput,
    ServerSummary server,
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) TrafficSummary traffic,
    Probe probe) {

  public static final String COMPLETED = "completed";
  public static final String INTERRUPTED = "interrupted";

  public CellSummary {
    unreachable = unreachable == null ? List.of() : List.copyOf(unreachable);
    status = status == null ? COMPLETED : status; // a summary written before this field existed
  }

  /** A cell that is not a probe of a capacity search. */
  public CellSummary(String id, String target, LoadInfo load, int maxNewTokens, int repeat, String startedAt, String endedAt,
      Requests requests, long outputTokens, Tokens tokens, double windowSeconds, Throughput throughput,
      RateSummary perRequestThroughput, Map<String, LatencySummary> latency, Cost cost, Generator generator, Slo slo,
      List<Unreachable> unreachable, String status, Goodput goodput, ServerSummary server, TrafficSummary traffic) {
    this(id, target, load, maxNewTokens, repeat, startedAt, endedAt, requests, outputTokens, tokens, windowSeconds, throughput,
        perRequestThroughput, latency, cost, generator, slo, unreachable, status, goodput, server, traffic, null);
  }

  /** This cell marked as a probe (null: not one). */
  public CellSummary withProbe(Probe p) {
    return new CellSummary(id, target, load, maxNewTokens, repeat, startedAt, endedAt, requests, outputTokens, tokens, windowSeconds, throughput,
        perRequestThroughput, latency, cost, generator, slo, unreachable, status, goodput, server, traffic, p);
  }

  /**
   * The mark of a probe cell: which search step it was and what it found. The search is the one of
   * the cell's target, maxNewTokens and repeat; the full story is in {@code targets[].capacity.steps}.
   *
   * @param by {@code rate} or {@code concurrency}: what the search varies
   * @param step its place in the search's order, from 1
   * @param phase {@code bracket}, {@code bisect} or {@code confirm} (the repeat of a load that met the
   *     SLO, measured before the answer is fixed)
   * @param met whether it met the SLO (every objective set, and the error-rate limit); null when it
   *     was cut short and not judged
   * @param why the objectives it missed; null when it met them
   */
  public record Probe(String by, int step, String phase, Boolean met, String why) {}

  /** A cell without multi-turn sessions or trace replay, not a probe. */
  public CellSummary(String id, String target, LoadInfo load, int maxNewTokens, int repeat, String startedAt, String endedAt,
      Requests requests, long outputTokens, Tokens tokens, double windowSeconds, Throughput throughput,
      RateSummary perRequestThroughput, Map<String, LatencySummary> latency, Cost cost, Generator generator, Slo slo,
      List<Unreachable> unreachable, String status, Goodput goodput, ServerSummary server) {
    this(id, target, load, maxNewTokens, repeat, startedAt, endedAt, requests, outputTokens, tokens, windowSeconds, throughput,
        perRequestThroughput, latency, cost, generator, slo, unreachable, status, goodput, server, null, null);
  }

  /** A cell without goodput (no per-request threshold), server telemetry, sessions or trace replay. */
  public CellSummary(String id, String target, LoadInfo load, int maxNewTokens, int repeat, String startedAt, String endedAt,
      Requests requests, long outputTokens, Tokens tokens, double windowSeconds, Throughput throughput,
      RateSummary perRequestThroughput, Map<String, LatencySummary> latency, Cost cost, Generator generator, Slo slo,
      List<Unreachable> unreachable, String status) {
    this(id, target, load, maxNewTokens, repeat, startedAt, endedAt, requests, outputTokens, tokens, windowSeconds, throughput,
        perRequestThroughput, latency, cost, generator, slo, unreachable, status, null, null, null, null);
  }

  /** A cell the target could always be reached in, run to its plan. */
  public CellSummary(String id, String target, LoadInfo load, int maxNewTokens, int repeat, String startedAt, String endedAt,
      Requests requests, long outputTokens, Tokens tokens, double windowSeconds, Throughput throughput,
      RateSummary perRequestThroughput, Map<String, LatencySummary> latency, Cost cost, Generator generator, Slo slo) {
    this(id, target, load, maxNewTokens, repeat, startedAt, endedAt, requests, outputTokens, tokens, windowSeconds, throughput,
        perRequestThroughput, latency, cost, generator, slo, List.of(), COMPLETED, null, null, null, null);
  }

  /** True when the cell was cut short. */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public boolean interrupted() {
    return INTERRUPTED.equals(status);
  }

  /**
   * A stretch of the cell during which connection attempts to the target failed: from the first
   * failed attempt to the first successful connect after it (or the end of the cell).
   *
   * @param failedAttempts connection attempts that failed within it (each one a {@code connect} error)
   */
  public record Unreachable(String from, String to, double seconds, long failedAttempts) {}

  /**
   * Request outcomes over the measurement window.
   *
   * @param errors failed requests by class key ({@code http}, {@code connect}, {@code reset}, ...)
   * @param httpStatuses failed requests by HTTP status
   * @param incomplete measured requests whose outcome never arrived (lost with a worker or cut off)
   * @param errorRate errors / (ok + errors), null when nothing completed
   * @param warmupExcluded requests that started during the warmup and are not counted anywhere else
   * @param errorMessages per error class key, the first distinct messages seen (e.g. {@code connect}:
   *     {@code Connection refused}), shortened and with credentials removed
   */
  public record Requests(long ok, long errorTotal, Map<String, Long> errors, Map<String, Long> httpStatuses, long incomplete, Double errorRate,
      long warmupExcluded, Map<String, List<String>> errorMessages) {
    public Requests {
      errorMessages = errorMessages == null ? Map.of() : errorMessages;
    }
  }

  /**
   * The client's own token count beside N, and how many requests disagreed.
   *
   * @param server N over the ok requests: the server's count where it gives one (= {@code outputTokens})
   * @param client the tokens the client counted itself over {@code clientCountedRequests}; null when it
   *     could count none (a whole text without a token list): a copy of the server's count is never given
   * @param clientCountedRequests ok requests whose tokens the client counted
   * @param mismatchedRequests requests with both counts that differ
   */
  public record Tokens(long server, Long client, long clientCountedRequests, long mismatchedRequests) {}

  /** Per second of the measurement window; null when the window is empty. */
  public record Throughput(Double outputTokensPerSecond, Double requestsPerSecond) {}

  /**
   * Goodput over the cell's window (the one throughput uses); null fields when the window is empty
   * or nothing completed.
   *
   * @param requestsPerSecond good requests per second
   * @param outputTokensPerSecond output tokens of the good requests per second
   * @param fraction good requests ÷ completed measured requests (ok + failed)
   */
  public record Goodput(Double requestsPerSecond, Double outputTokensPerSecond, Double fraction) {}

  /** Good requests per second, null without goodput. */
  public Double goodputPerSecond() {
    return goodput == null ? null : goodput.requestsPerSecond();
  }

  /** Tokens per second, one sample per successful request; null fields (count 0) when there is none. */
  public record RateSummary(long count, Double mean, Double p50, Double p90, Double p99) {}

  /** Milliseconds. All null (count 0) when the metric has no samples. */
  public record LatencySummary(long count, Double mean, Double min, Double max, Double p50, Double p90, Double p95, Double p99, Double p999) {
    public Double percentile(String name) {
      return switch (name) {
        case "p50" -> p50;
        case "p90" -> p90;
        case "p95" -> p95;
        case "p99" -> p99;
        case "p999" -> p999;
        case "mean" -> mean;
        default -> throw new IllegalArgumentException("unknown percentile " + name);
      };
    }
  }

  /** Cost from measured throughput; null fields when the price or the throughput is unknown. */
  public record Cost(Double usdPerHour, Double minutesPer1MTokens, Double usdPer1MTokens) {}

  /**
   * The load generator's own health in this cell.
   *
   * @param saturated send-lag p99 above the budget: the generator could not keep the schedule and the
   *     latencies it measured are suspect
   * @param workers how many workers carried the cell
   * @param samplesOverRange latency samples clamped to the histogram maximum (1 h)
   * @param retries requests sent a second time on a fresh connection because the kept-alive one they
   *     were written on had been closed by the server before any of the response came back (not errors)
   */
  public record Generator(Double sendLagP99Ms, double sendLagBudgetMs, boolean saturated, int workers, long samplesOverRange, long retries) {}

  /** SLO checks: each field null when the scenario does not set that objective. */
  public record Slo(Boolean ttftP99Met, Boolean tpotP99Met, Boolean e2eP99Met, Boolean errorRateMet, boolean met) {}

  public LatencySummary latency(String metric) {
    return latency == null ? null : latency.get(metric);
  }

  public Double latencyValue(String metric, String percentile) {
    LatencySummary l = latency(metric);
    return l == null ? null : l.percentile(percentile);
  }

  /** Mean per-request throughput (tokens/s), null when no request succeeded. */
  public Double perRequestTokensPerSecond() {
    return perRequestThroughput == null ? null : perRequestThroughput.mean();
  }

  public Double tokensPerSecond() {
    return throughput == null ? null : throughput.outputTokensPerSecond();
  }
}
