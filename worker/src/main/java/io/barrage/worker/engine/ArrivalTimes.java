package io.barrage.worker.engine;

/** The global arrival sequence of an open-loop step: indexes 0, 1, 2, ... and their offsets from the step start. */
interface ArrivalTimes {
  /** The offset of an arrival that never comes (a ramp that ended). */
  long NEVER = Long.MAX_VALUE;

  /** Advances to the next arrival and returns its index. */
  long next();

  /** Offset of the current arrival from the step start, in nanoseconds ({@link #NEVER} past the end). */
  long offsetNanos();
}
