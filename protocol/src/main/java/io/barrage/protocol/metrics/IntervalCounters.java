package io.barrage.protocol.metrics;

import java.util.List;
import java.util.Map;

/**
 * Counters of one interval of one worker for one cell. All counts are deltas for the interval except
 * {@code inFlight}, a gauge at the end of the interval. Only measured requests (started after the
 * warmup) are counted in {@code ok}, {@code errors} and the token counts.
 *
 * @param started requests sent in this interval (measured or not)
 * @param ok measured requests that completed successfully
 * @param errors measured failed requests by class
 * @param httpStatuses measured failed requests by HTTP status (for {@link ErrorClass#HTTP_STATUS})
 * @param outputTokens output tokens of successful measured requests, the server's count where it gives one
 * @param clientTokens tokens counted by the client itself (token events, content chunks, a body's
 *     token list) over the {@code clientCountedRequests}; a copy of the server's count is never one
 * @param tokenMismatches requests with both counts whose server and client counts differ
 * @param clamped samples over the histogram range (clamped to the maximum)
 * @param inFlight requests in flight at the end of the interval
 * @param warmupRequests requests that completed but started during the warmup (excluded)
 * @param firstMeasuredStartNanosEpoch epoch-ns send time of the first measured request of the
 *     interval, or -1 (window accounting)
 * @param lastMeasuredEndNanosEpoch epoch-ns end of the last measured request of the interval, or -1
 * @param retries measured requests that failed on a reused keep-alive connection before any response
 *     byte arrived and were sent again on a fresh connection (the generator's own statistic: not errors)
 * @param unreachable the stretches of this interval during which the target refused or did not answer
 *     connection attempts (see {@link UnreachableSpan})
 * @param errorMessages per error class, the distinct messages first seen in this interval (a few per
 *     class per step, shortened and with credentials removed)
 * @param clientCountedRequests successful measured requests whose tokens the client could count
 * @param arrivedTokens output tokens of measured requests that arrived during this interval (booked
 *     at their arrival, not when their request ended; for the tokens/s-over-time chart)
 * @param goodRequests successful measured requests that met every per-request threshold of the
 *     scenario's {@code slo} (goodput; 0 when it sets none)
 * @param goodOutputTokens output tokens of those good requests
 */
public record IntervalCounters(
    long started,
    long ok,
    Map<ErrorClass, Long> errors,
    Map<Integer, Long> httpStatuses,
    long outputTokens,
    long clientTokens,
    long tokenMismatches,
    long clamped,
    int inFlight,
    long warmupRequests,
    long firstMeasuredStartNanosEpoch,
    long lastMeasuredEndNanosEpoch,
    long retries,
    List<UnreachableSpan> unreachable,
    Map<ErrorClass, List<String>> errorMessages,
    long clientCountedRequests,
    long arrivedTokens,
    long goodRequests,
    long goodOutputTokens) {

  public IntervalCounters {
    errors = Map.copyOf(errors);
    httpStatuses = Map.copyOf(httpStatuses);
    unreachable = List.copyOf(unreachable);
    errorMessages = Map.copyOf(errorMessages);
  }

  /** Counters without goodput (a scenario without per-request thresholds). */
  public IntervalCounters(long started, long ok, Map<ErrorClass, Long> errors, Map<Integer, Long> httpStatuses,
      long outputTokens, long clientTokens, long tokenMismatches, long clamped, int inFlight, long warmupRequests,
      long firstMeasuredStartNanosEpoch, long lastMeasuredEndNanosEpoch, long retries, List<UnreachableSpan> unreachable,
      Map<ErrorClass, List<String>> errorMessages, long clientCountedRequests, long arrivedTokens) {
    this(started, ok, errors, httpStatuses, outputTokens, clientTokens, tokenMismatches, clamped, inFlight, warmupRequests,
        firstMeasuredStartNanosEpoch, lastMeasuredEndNanosEpoch, retries, unreachable, errorMessages, clientCountedRequests,
        arrivedTokens, 0, 0);
  }

  /**
   * Counters without retries, outages or error messages, every ok request counted by the client and
   * its tokens arrived in this interval (fixtures, replays).
   */
  public IntervalCounters(long started, long ok, Map<ErrorClass, Long> errors, Map<Integer, Long> httpStatuses,
      long outputTokens, long clientTokens, long tokenMismatches, long clamped, int inFlight, long warmupRequests,
      long firstMeasuredStartNanosEpoch, long lastMeasuredEndNanosEpoch) {
    this(started, ok, errors, httpStatuses, outputTokens, clientTokens, tokenMismatches, clamped, inFlight, warmupRequests,
        firstMeasuredStartNanosEpoch, lastMeasuredEndNanosEpoch, 0, List.of(), Map.of(), ok, outputTokens, 0, 0);
  }

  public long errorCount() {
    long n = 0;
    for (long v : errors.values()) n += v;
    return n;
  }
}
