package io.barrage.worker.engine;

import io.barrage.protocol.plan.RampProfile;
import io.barrage.protocol.scenario.Arrivals;
import java.util.SplittableRandom;

/**
 * The global arrival schedule of a rate ramp: a unit-rate sequence mapped through the inverse of the
 * ramp's cumulative rate ({@link RampProfile#timeOf}). Poisson: the unit-rate points are sums of
 * exponential gaps (a Poisson process whose rate follows the ramp); constant: arrival {@code i} comes
 * when the expected count reaches {@code i + ½}, so every interval of the ramp gets its expected
 * count rounded. Seeded by the workload seed alone, like {@link ArrivalSchedule}: every worker
 * computes the same sequence and sends its slice of it.
 */
final class RampArrivals implements ArrivalTimes {
  private final RampProfile profile;
  private final boolean poisson;
  private final SplittableRandom random;
  private long index = -1;
  private double unit;
  private long offset;

  RampArrivals(RampProfile profile, Arrivals arrivals, long seed) {
    this.profile = profile;
    this.poisson = arrivals == Arrivals.POISSON;
    this.random = new SplittableRandom(Seeds.of(seed, 0xA331L));
  }

  @Override
  public long next() {
    index++;
    unit = poisson ? unit - Math.log(1.0 - random.nextDouble()) : index + 0.5;
    double t = profile.timeOf(unit);
    offset = Double.isInfinite(t) ? NEVER : (long) (t * 1e9);
    return index;
  }

  @Override
  public long offsetNanos() {
    return offset;
  }
}
