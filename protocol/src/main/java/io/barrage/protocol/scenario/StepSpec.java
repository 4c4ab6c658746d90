package io.barrage.protocol.scenario;

import io.barrage.protocol.plan.Load;
import java.time.Duration;

/**
 * When a step (one cell) ends: after {@code requests} measured requests, after
 * {@code requestsPerUser} measured requests per virtual user (closed loop only: the cell's count is
 * that times its concurrency, like k6's per-VU iterations — "300 concurrent requests" is then
 * exactly 300 requests fired together), or after {@code duration}. {@code warmup} is excluded by
 * request start time.
 */
public record StepSpec(Integer requests, Duration duration, Duration warmup, Integer requestsPerUser) {

  public StepSpec(Integer requests, Duration duration, Duration warmup) {
    this(requests, duration, warmup, null);
  }

  public Duration warmupOrZero() {
    return warmup == null ? Duration.ZERO : warmup;
  }

  /** The measured request count of a cell at this load level, or −1 for a duration step. */
  public long requestsFor(Load load) {
    if (requests != null) return requests;
    if (requestsPerUser != null && load instanceof Load.Concurrency c) return (long) requestsPerUser * c.streams();
    return -1;
  }
}
