package io.barrage.simulator.engine;

/**
 * The time an {@link Engine}'s scheduling loop runs against. The loop only ever asks what time it
 * is and lets time pass towards its next deadline; whether that passing is real (the thread parks)
 * or virtual (the clock jumps) is the clock's business, so the same loop serves a live server and
 * a discrete-event simulation.
 *
 * <p>All instants are nanoseconds on one monotonic timeline: {@link System#nanoTime()} for
 * {@link RealClock}, an arbitrary origin (0 unless chosen) for {@link VirtualClock}.
 */
public sealed interface SimClock permits RealClock, VirtualClock {

  /** The current instant. */
  long now();

  /**
   * Lets time pass towards {@code target}. A real clock may return before it (an arrival unparked
   * the thread, a spurious wake-up), so the caller re-checks {@link #now()} in a loop; a virtual
   * clock returns at {@code target} exactly (never moving backwards).
   */
  void waitUntil(long target);

  /**
   * Nothing is queued, running or timed: waits a while for work from outside. Returns false when
   * no work can ever come from outside (virtual time: every submission happens on the loop's own
   * thread, so an idle engine is a finished simulation).
   */
  boolean waitForArrival();

  /** True when time is simulated and waits cost nothing. */
  boolean isVirtual();
}
