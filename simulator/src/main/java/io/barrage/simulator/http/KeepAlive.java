package io.barrage.simulator.http;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** Sends a {@code :} comment whenever a stream has been silent for the profile's keep-alive interval. */
final class KeepAlive implements Runnable {
  private final Exchange.Stream out;
  private final ScheduledExecutorService timer;
  private final long interval;
  private volatile boolean stopped;
  private volatile ScheduledFuture<?> next;

  KeepAlive(Exchange.Stream out, ScheduledExecutorService timer, Duration interval) {
    this.out = out;
    this.timer = timer;
    this.interval = interval.toNanos();
  }

  void schedule() {
    if (interval <= 0 || stopped) return;
    long due = out.lastWriteNanos() + interval - System.nanoTime();
    next = timer.schedule(this, Math.max(1, due), TimeUnit.NANOSECONDS);
    if (stopped) next.cancel(false);
  }

  @Override
  public void run() {
    if (stopped || !out.isOpen()) return;
    if (System.nanoTime() - out.lastWriteNanos() >= interval) out.send(StreamFormat.KEEP_ALIVE, null);
    schedule();
  }

  void stop() {
    stopped = true;
    ScheduledFuture<?> f = next;
    if (f != null) f.cancel(false);
  }
}
