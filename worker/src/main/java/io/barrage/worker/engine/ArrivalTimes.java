package io.barrage.worker.engine;

import io.barrage.protocol.plan.Load;
import io.barrage.protocol.plan.RampProfile;

/** The global arrival sequence of an open-loop step: indexes 0, 1, 2, ... and their offsets from the step start. */
interface ArrivalTimes {
  /** The offset of an arrival that never comes (a ramp that ended). */
  long NEVER = Long.MAX_VALUE;

  /** Advances to the next arrival and returns its index. */
  long next();

  /** Offset of the current arrival from the step start, in nanoseconds ({@link #NEVER} past the end). */
  long offsetNanos();

  /** The schedule of an open-loop cell: a ramp's ({@code ramp} its profile), a trace's, or a fixed rate's. */
  static ArrivalTimes of(Load load, RampProfile ramp, TraceReplay replay, long seed) {
    if (load instanceof Load.Ramp r) return new RampArrivals(ramp, r.arrivals(), seed);
    if (replay != null) return replay.arrivals();
    Load.Rate rate = (Load.Rate) load;
    return new ArrivalSchedule(rate.perSecond(), rate.arrivals(), seed);
  }
}
