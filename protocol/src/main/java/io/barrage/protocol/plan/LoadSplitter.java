package io.barrage.protocol.plan;

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
    long[] quota = requests < 0 ? null : split(requests, workers);
    if (load instanceof Load.Concurrency c) {
      long[] streams = split(c.streams(), workers);
      int first = 0;
      for (int i = 0; i < workers; i++) {
        out.add(new LoadShare((int) streams[i], first, i, workers, quota == null ? -1 : quota[i]));
        first += (int) streams[i];
      }
    } else {
      for (int i = 0; i < workers; i++) {
        out.add(new LoadShare(0, 0, i, workers, quota == null ? -1 : quota[i]));
      }
    }
    return out;
  }
}
