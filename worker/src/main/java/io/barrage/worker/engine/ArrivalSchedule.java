package io.barrage.worker.engine;

import io.barrage.protocol.scenario.Arrivals;
import java.util.SplittableRandom;

/**
 * The global arrival schedule of an open-loop step: offsets in nanoseconds from the step start of
 * arrival 0, 1, 2, ... Constant arrivals are evenly spaced; Poisson arrivals have exponential gaps
 * drawn from a generator seeded by the workload seed alone, so every worker and every target
 * computes the same sequence. Plain Java, one instance per worker and step.
 */
public final class ArrivalSchedule implements ArrivalTimes {
  private final double meanGapNs;
  private final boolean poisson;
  private final SplittableRandom random;
  private long index = -1;
  private double offset;

  public ArrivalSchedule(double perSecond, Arrivals arrivals, long seed) {
    if (!(perSecond > 0)) throw new IllegalArgumentException("rate must be > 0");
    this.meanGapNs = 1e9 / perSecond;
    this.poisson = arrivals == Arrivals.POISSON;
    this.random = new SplittableRandom(Seeds.of(seed, 0xA331L));
  }

  /** Advances to the next arrival and returns its index. */
  @Override
  public long next() {
    index++;
    if (index > 0 || poisson) {
      offset += poisson ? -Math.log(1.0 - random.nextDouble()) * meanGapNs : meanGapNs;
    }
    return index;
  }

  /** Index of the current arrival. */
  public long index() {
    return index;
  }

  /** Offset of the current arrival from the step start, in nanoseconds. */
  @Override
  public long offsetNanos() {
    return (long) offset;
  }
}
