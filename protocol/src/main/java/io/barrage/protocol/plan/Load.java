package io.barrage.protocol.plan;

import io.barrage.protocol.scenario.Arrivals;

/** One load level of a cell: closed-loop concurrency or an open-loop arrival rate. */
public sealed interface Load {

  /** Short id used in cell ids and file names, e.g. {@code c300}, {@code r2.5}. */
  String id();

  /** N virtual users, each sending its next request as soon as the previous one ends. */
  record Concurrency(int streams) implements Load {
    @Override
    public String id() {
      return "c" + streams;
    }
  }

  /**
   * The arrivals of the workload's trace file at their recorded instants divided by {@code speedup}
   * (2: twice as fast). Id {@code trace-x2}.
   */
  record Trace(double speedup) implements Load {
    @Override
    public String id() {
      String s = speedup == Math.rint(speedup) ? Long.toString((long) speedup) : Double.toString(speedup);
      return "trace-x" + s;
    }
  }

  /** Requests per second with a given arrival law. */
  record Rate(double perSecond, Arrivals arrivals) implements Load {
    @Override
    public String id() {
      String s = perSecond == Math.rint(perSecond) ? Long.toString((long) perSecond) : Double.toString(perSecond);
      return "r" + s;
    }
  }
}
