package io.barrage.coordinator.run;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Settings of a run's coordination, from {@code barrage.coordinator.run} in {@code reference.conf}.
 *
 * @param tick progress publication and clock-probe period
 * @param startDelay how far ahead of "now" a cell's common start instant is placed
 * @param stopTimeout how long a stopping cell waits for the workers' last reports
 * @param workerWaitTimeout how long a later cell waits for at least one worker before the run aborts
 * @param sendLagBudgetMs send-lag p99 above which the generator counts as saturated
 * @param startAckTimeout how long after a cell's start instant a worker may stay silent (no report)
 *     before the run is aborted: its start order never arrived or was never taken
 * @param workerJoinTimeout how long the first cell waits for the run's {@code minWorkers} before the
 *     run is aborted, naming how many were expected and how many joined
 */
public record RunSettings(
    Duration tick,
    Duration startDelay,
    Duration stopTimeout,
    Duration workerWaitTimeout,
    double sendLagBudgetMs,
    Duration startAckTimeout,
    Duration workerJoinTimeout) {

  public static final Duration DEFAULT_START_ACK_TIMEOUT = Duration.ofSeconds(15);
  public static final Duration DEFAULT_WORKER_JOIN_TIMEOUT = Duration.ofMinutes(5);

  public RunSettings(Duration tick, Duration startDelay, Duration stopTimeout, Duration workerWaitTimeout, double sendLagBudgetMs) {
    this(tick, startDelay, stopTimeout, workerWaitTimeout, sendLagBudgetMs, DEFAULT_START_ACK_TIMEOUT, DEFAULT_WORKER_JOIN_TIMEOUT);
  }

  /** A copy with another {@link #workerJoinTimeout}. */
  public RunSettings withWorkerJoinTimeout(Duration d) {
    return new RunSettings(tick, startDelay, stopTimeout, workerWaitTimeout, sendLagBudgetMs, startAckTimeout, d);
  }

  public static RunSettings fromConfig(Config c) {
    Config r = c.getConfig("barrage.coordinator.run");
    return new RunSettings(
        r.getDuration("tick"),
        r.getDuration("start-delay"),
        r.getDuration("stop-timeout"),
        r.getDuration("worker-wait-timeout"),
        r.getDuration("send-lag-budget").toNanos() / 1e6,
        r.getDuration("start-ack-timeout"),
        r.getDuration("worker-join-timeout"));
  }

  public static RunSettings defaults() {
    return new RunSettings(Duration.ofSeconds(1), Duration.ofMillis(1500), Duration.ofSeconds(20), Duration.ofSeconds(60), 50);
  }
}
