package io.barrage.worker.engine;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How many measured requests of a request-count step this worker has claimed, shared by its virtual
 * users or its open-loop sender. A claimed request is sent (unless the step ends first), so the
 * worker sends exactly its quota; a session claims its turns at once and gives back those a failed
 * turn left unsent.
 */
final class RequestQuota {
  private final AtomicLong claimed = new AtomicLong();

  /** Claims one request; false when the {@code quota} is used up. */
  boolean claimOne(long quota) {
    return claimed.getAndIncrement() < quota;
  }

  /**
   * Claims up to {@code turns} requests of a session: all of them, or what is left of {@code quota}
   * (0 when nothing is). Never claims past the quota, so the worker's sessions add up to it.
   */
  int claim(int turns, long quota) {
    while (true) {
      long c = claimed.get();
      long left = quota - c;
      if (left <= 0) return 0;
      int take = (int) Math.min(turns, left);
      if (claimed.compareAndSet(c, c + take)) return take;
    }
  }

  /** Returns {@code n} claimed requests that will never be sent (a failed session's later turns). */
  void giveBack(int n) {
    claimed.addAndGet(-n);
  }
}
