package io.barrage.protocol.plan;

import io.barrage.protocol.scenario.ShareGptFile;
import io.barrage.protocol.scenario.Workload;
import java.util.ArrayList;
import java.util.List;

/** Exact splits of load over workers: the parts always add up to the whole. */
public final class LoadSplitter {
  private LoadSplitter() {}

  /** Splits {@code total} into {@code parts} integers differing by at most one, larger ones first (300/7 → 43×6, 42). */
  public static long[] split(long total, int parts) {
    if (parts <= 0) throw new IllegalArgumentException("parts must be > 0");
    if (total < 0) throw new IllegalArgumentException("total must be >= 0");
    long[] out = new long[parts];
    long base = total / parts;
    long extra = total % parts;
    for (int i = 0; i < parts; i++) out[i] = base + (i < extra ? 1 : 0);
    return out;
  }

  /**
   * The shares of one cell over {@code workers} workers.
   *
   * @param requests the cell's request count, or −1 for a duration step
   */
  public static List<LoadShare> shares(Load load, long requests, int workers) {
    List<LoadShare> out = new ArrayList<>(workers);
    if (load instanceof Load.Concurrency c) {
      long[] streams = split(c.streams(), workers);
      // the request quota follows the streams, so that every virtual user has about the same number
      // of requests and the concurrency holds until the very end of a request-count step
      long[] quota = requests < 0 ? null : proportional(requests, streams);
      int first = 0;
      for (int i = 0; i < workers; i++) {
        out.add(new LoadShare((int) streams[i], first, i, workers, quota == null ? -1 : quota[i]));
        first += (int) streams[i];
      }
    } else {
      long[] quota = requests < 0 ? null : split(requests, workers);
      for (int i = 0; i < workers; i++) {
        out.add(new LoadShare(0, 0, i, workers, quota == null ? -1 : quota[i]));
      }
    }
    return out;
  }

  /**
   * The granule a step of {@code w} splits its requests in: a session's {@code turns} for sessions
   * of a fixed length, 1 otherwise (no sessions, or sessions that play ShareGPT conversations of
   * varied length, which claim what is left of a quota: docs/scenario.md "Multi-turn sessions").
   */
  public static int granule(Workload w) {
    if (w == null || w.session() == null || w.session().turns() == null) return 1;
    return ShareGptFile.isShareGpt(w.prompt()) ? 1 : w.session().turns();
  }

  /**
   * Shares whose request quotas are whole multiples of {@code granule} (multi-turn sessions: the
   * turns of a session, which one virtual user runs on one worker): {@code requests / granule} units
   * are split, then each quota is multiplied back.
   */
  public static List<LoadShare> shares(Load load, long requests, int workers, int granule) {
    if (granule <= 1 || requests < 0) return shares(load, requests, workers);
    List<LoadShare> units = shares(load, requests / granule, workers);
    List<LoadShare> out = new ArrayList<>(units.size());
    for (LoadShare u : units) out.add(new LoadShare(u.streams(), u.firstStream(), u.sliceIndex(), u.sliceCount(), u.requestQuota() * granule));
    return out;
  }

  /**
   * Splits {@code total} in proportion to {@code weights} by largest remainder (ties to the lower
   * index); the parts add up to {@code total} exactly. All-zero weights fall back to an even split.
   */
  public static long[] proportional(long total, long[] weights) {
    long sum = 0;
    for (long w : weights) sum += w;
    if (sum == 0) return split(total, weights.length);
    long[] out = new long[weights.length];
    long[] rem = new long[weights.length];
    long given = 0;
    for (int i = 0; i < weights.length; i++) {
      // exact integer arithmetic: total * w / sum with its remainder
      java.math.BigInteger prod = java.math.BigInteger.valueOf(total).multiply(java.math.BigInteger.valueOf(weights[i]));
      java.math.BigInteger[] qr = prod.divideAndRemainder(java.math.BigInteger.valueOf(sum));
      out[i] = qr[0].longValueExact();
      rem[i] = qr[1].longValueExact();
      given += out[i];
    }
    for (long left = total - given; left > 0; left--) {
      int best = -1;
      for (int i = 0; i < weights.length; i++) {
        if (best < 0 || rem[i] > rem[best]) best = i;
      }
      out[best]++;
      rem[best] = -1;
    }
    return out;
  }
}
