package io.barrage.worker.engine;

import io.barrage.protocol.metrics.IntervalReport;
import io.barrage.protocol.results.CellAggregate;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Runs one step in this JVM and returns its exact merged result: the "no cluster" entry point for
 * tests, benchmarks and single-process runs. Drains an interval report every {@code interval} and
 * merges it into a {@link CellAggregate}, exactly as the coordinator would.
 */
public final class LocalStep {
  private LocalStep() {}

  /**
   * @param maxWait upper bound for the whole step; past it the step is stopped and this throws
   * @param eachInterval sees every interval report (may be a no-op)
   */
  public static CellAggregate run(LoadEngine engine, StepRequest request, Duration interval, Duration maxWait,
      Consumer<IntervalReport> eachInterval) throws TimeoutException {
    CellAggregate agg = new CellAggregate(request.cell().id());
    RunningStep step = engine.start(request);
    long deadline = System.nanoTime() + maxWait.toNanos();
    var done = step.done().toCompletableFuture();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        step.stop();
        throw new TimeoutException("step " + request.cell().id() + " did not finish within " + maxWait);
      }
      try {
        done.get(Math.min(left, interval.toNanos()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        IntervalReport r = step.drainInterval();
        eachInterval.accept(r);
        agg.add(r);
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        step.stop();
        throw new IllegalStateException("interrupted", e);
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        throw c instanceof RuntimeException re ? re : new IllegalStateException(c);
      }
      IntervalReport r = step.drainInterval();
      eachInterval.accept(r);
      agg.add(r);
      return agg;
    }
  }
}
