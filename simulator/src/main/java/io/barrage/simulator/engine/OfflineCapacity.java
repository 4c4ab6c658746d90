package io.barrage.simulator.engine;

import io.barrage.simulator.Profile;
import java.util.Arrays;
import java.util.List;

/**
 * The true closed-loop capacity of a profile under a latency objective, from its engine in virtual
 * time ({@link OfflineRun}): for each concurrency from 1 up, the p99 (nearest rank) of every
 * request's TTFT and e2e as the engine served them; the capacity is the highest concurrency below
 * the first that misses the objective. Exact and deterministic: the ground truth a live capacity
 * search against the simulator is checked against.
 */
public final class OfflineCapacity {
  private OfflineCapacity() {}

  /**
   * A latency objective; null parts are not checked.
   *
   * @param ttftP99Ms p99 time to first token at most this, in ms
   * @param e2eP99Ms p99 time to the last token at most this, in ms
   */
  public record Objective(Double ttftP99Ms, Double e2eP99Ms) {
    boolean met(Figures f) {
      return (ttftP99Ms == null || f.ttftP99Ms() <= ttftP99Ms) && (e2eP99Ms == null || f.e2eP99Ms() <= e2eP99Ms);
    }
  }

  /** What the engine did at one concurrency: p99 of TTFT and e2e over every request, in ms. */
  public record Figures(int concurrency, double ttftP99Ms, double e2eP99Ms) {}

  /**
   * The engine at {@code clients} closed-loop clients, each sending {@code requestsPerClient}
   * requests of {@code inputTokens} prompt tokens and {@code maxNewTokens} new tokens.
   */
  public static Figures measure(Profile profile, int clients, int requestsPerClient, int inputTokens, int maxNewTokens) {
    OfflineRun.Result r = OfflineRun.run(profile, OfflineRun.Workload.closedLoop(clients, inputTokens, maxNewTokens).requests(requestsPerClient));
    List<OfflineRun.RequestTrace> ok = r.select(t -> t.outcome() == OfflineRun.Outcome.OK);
    double[] ttft = new double[ok.size()], e2e = new double[ok.size()];
    for (int i = 0; i < ok.size(); i++) {
      ttft[i] = ok.get(i).ttftNanos() / 1e6;
      e2e[i] = ok.get(i).e2eNanos() / 1e6;
    }
    return new Figures(clients, p99(ttft), p99(e2e));
  }

  /**
   * The highest concurrency in [1, {@code max}] below the first that misses {@code objective}
   * (0 when 1 misses it, {@code max} when none does).
   */
  public static int capacity(Profile profile, Objective objective, int max, int requestsPerClient, int inputTokens, int maxNewTokens) {
    for (int c = 1; c <= max; c++) {
      if (!objective.met(measure(profile, c, requestsPerClient, inputTokens, maxNewTokens))) return c - 1;
    }
    return max;
  }

  static double p99(double[] v) {
    if (v.length == 0) return Double.POSITIVE_INFINITY;
    double[] s = v.clone();
    Arrays.sort(s);
    return s[(int) Math.ceil(0.99 * s.length) - 1];
  }
}
