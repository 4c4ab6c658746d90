package io.barrage.coordinator.run;

import io.barrage.protocol.plan.Load;
import io.barrage.protocol.plan.LoadShare;
import io.barrage.protocol.plan.LoadSplitter;
import java.util.ArrayList;
import java.util.List;

/**
 * New shares for the survivors of a cell after a worker is lost, so that the cell's total is exact
 * again: closed loop, the cell's streams re-split over the survivors; open loop, the arrival schedule
 * re-sliced over them; a request-count step's unfinished quota of the lost worker split on top of the
 * survivors' own quotas (a quota in a share is the worker's total for the step).
 */
public final class Rebalancer {
  private Rebalancer() {}

  /**
   * @param survivors the current shares of the workers that carry on, in a stable order
   * @param lostQuota the lost worker's quota (−1 for a duration step)
   * @param lostCompleted requests the lost worker reported as completed (ok or failed)
   */
  public static List<LoadShare> rebalance(Load load, List<LoadShare> survivors, long lostQuota, long lostCompleted) {
    int n = survivors.size();
    if (n == 0) return List.of();
    long[] extra = lostQuota < 0 ? new long[n] : LoadSplitter.split(Math.max(0, lostQuota - lostCompleted), n);
    long[] streams = load instanceof Load.Concurrency c ? LoadSplitter.split(c.streams(), n) : new long[n];
    List<LoadShare> out = new ArrayList<>(n);
    int first = 0;
    for (int i = 0; i < n; i++) {
      LoadShare old = survivors.get(i);
      long quota = old.requestQuota() < 0 ? -1 : old.requestQuota() + extra[i];
      out.add(new LoadShare((int) streams[i], first, i, n, quota));
      first += (int) streams[i];
    }
    return out;
  }

  /** Fraction of the cell's load a share carries (streams over total, or one slice of the schedule). */
  public static double capacityShare(Load load, LoadShare share) {
    if (load instanceof Load.Concurrency c) return c.streams() == 0 ? 0 : (double) share.streams() / c.streams();
    return share.sliceCount() == 0 ? 0 : 1.0 / share.sliceCount();
  }
}
