package io.barrage.protocol.plan;

import io.barrage.protocol.scenario.Arrivals;
import java.util.List;

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

  /**
   * A ramp (k6's stages), measured as one cell: the rate ({@code closedLoop} false, requests/s) or
   * the number of virtual users ({@code closedLoop} true) moves linearly from the previous stage's
   * level (0 before the first) to each stage's level over that stage's duration, then holds the last
   * level. Workers split it by slice ({@link LoadShare#sliceIndex()} of {@link LoadShare#sliceCount()}):
   * arrival {@code i} or virtual user {@code g} belongs to the worker whose slice is {@code i % n}
   * ({@code g % n}), so the parts add up to the whole at every instant. See {@link RampProfile}.
   */
  record Ramp(List<Stage> stages, boolean closedLoop, Arrivals arrivals) implements Load {
    public Ramp {
      stages = List.copyOf(stages);
    }

    @Override
    public String id() {
      StringBuilder b = new StringBuilder(closedLoop ? "stages-c" : "stages-r");
      for (int i = 0; i < stages.size(); i++) {
        if (i > 0) b.append('-');
        double l = stages.get(i).level();
        b.append(l == Math.rint(l) ? Long.toString((long) l) : Double.toString(l));
      }
      return b.toString();
    }

    /** The highest level of the ramp (users or requests/s). */
    public double peak() {
      double m = 0;
      for (Stage s : stages) m = Math.max(m, s.level());
      return m;
    }
  }

  /** One stage of a ramp: the level reached at its end and how long it takes to get there. */
  record Stage(double level, long durationMillis) {}
}
