package io.barrage.protocol.plan;

import java.util.List;

/**
 * The arithmetic of a {@link Load.Ramp}: its level at an instant, the expected number of arrivals up
 * to an instant (the integral of the rate) and its inverse, which turns a unit-rate arrival sequence
 * into the ramp's arrival times (a Poisson process with a moving rate, or evenly spread arrivals for
 * constant ones). Times are seconds from the cell's start. Plain arithmetic, shared by the worker
 * (which sends the arrivals) and the tests (which count them per stage).
 */
public final class RampProfile {
  private final double[] from, to, startSec, durSec, areaBefore;
  private final double totalSec, totalArea;

  public RampProfile(List<Load.Stage> stages) {
    int n = stages.size();
    from = new double[n];
    to = new double[n];
    startSec = new double[n];
    durSec = new double[n];
    areaBefore = new double[n];
    double level = 0, t = 0, area = 0;
    for (int i = 0; i < n; i++) {
      Load.Stage s = stages.get(i);
      from[i] = level;
      to[i] = s.level();
      startSec[i] = t;
      durSec[i] = s.durationMillis() / 1000.0;
      areaBefore[i] = area;
      area += (from[i] + to[i]) / 2 * durSec[i];
      t += durSec[i];
      level = s.level();
    }
    totalSec = t;
    totalArea = area;
  }

  /** How long the ramp lasts, in seconds. */
  public double durationSeconds() {
    return totalSec;
  }

  /** The level at {@code t} seconds: linear within a stage, the last stage's level after the end. */
  public double level(double t) {
    for (int i = 0; i < from.length; i++) {
      if (t < startSec[i] + durSec[i]) {
        if (t <= startSec[i]) return from[i];
        return from[i] + (to[i] - from[i]) * (t - startSec[i]) / durSec[i];
      }
    }
    return from.length == 0 ? 0 : to[to.length - 1];
  }

  /** The integral of the level from 0 to {@code t} (for a rate ramp: the expected arrivals by then), up to the ramp's end. */
  public double cumulative(double t) {
    for (int i = 0; i < from.length; i++) {
      if (t < startSec[i] + durSec[i]) {
        double x = Math.max(0, t - startSec[i]);
        double k = durSec[i] == 0 ? 0 : (to[i] - from[i]) / durSec[i];
        return areaBefore[i] + from[i] * x + k * x * x / 2;
      }
    }
    return totalArea;
  }

  /** The integral over the whole ramp (for a rate ramp: the planned number of arrivals). */
  public double totalArea() {
    return totalArea;
  }

  /**
   * The instant (seconds) at which the integral reaches {@code s}, or +∞ when the ramp ends first.
   * Within a stage whose rate goes from a to b over d seconds, x solves a·x + (b − a)/(2d)·x² = s'
   * (the form 2s' / (a + √(a² + 2ks')) stays exact when a or k is 0).
   */
  public double timeOf(double s) {
    if (s < 0) return 0;
    for (int i = 0; i < from.length; i++) {
      double area = (from[i] + to[i]) / 2 * durSec[i];
      double rest = s - areaBefore[i];
      if (rest > area || area == 0) continue;
      double a = from[i], k = (to[i] - from[i]) / durSec[i];
      double x = rest == 0 ? 0 : 2 * rest / (a + Math.sqrt(Math.max(0, a * a + 2 * k * rest)));
      return startSec[i] + Math.min(x, durSec[i]);
    }
    return Double.POSITIVE_INFINITY;
  }
}
