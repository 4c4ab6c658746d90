package io.barrage.coordinator.report.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/**
 * A load level: exactly one of {@code concurrency} (closed loop) or {@code rate} (requests/s, open
 * loop). For a ramp ({@code load.stages}) that field holds its peak and {@code stages} the stages. A
 * trace replay is {@code arrivals: trace} with its speedup as {@code rate}: its level is how many
 * times faster than recorded the trace ran.
 *
 * @param stages the ramp's stages in order, null for a fixed level
 */
public record LoadInfo(Integer concurrency, Double rate, String arrivals, List<Stage> stages) {

  public LoadInfo(Integer concurrency, Double rate, String arrivals) {
    this(concurrency, rate, arrivals, null);
  }

  /** One stage of a ramp: the level reached at its end (users or requests/s) and its length. */
  public record Stage(Double rate, Integer concurrency, double durationSeconds) {}

  public static LoadInfo concurrency(int n) {
    return new LoadInfo(n, null, null);
  }

  public static LoadInfo rate(double perSecond, String arrivals) {
    return new LoadInfo(null, perSecond, arrivals);
  }

  public static final String TRACE = "trace";

  public static LoadInfo trace(double speedup) {
    return new LoadInfo(null, speedup, TRACE);
  }

  @JsonIgnore
  public boolean isTrace() {
    return TRACE.equals(arrivals);
  }

  /** The level as a number: streams or requests per second. */
  @JsonIgnore
  public double level() {
    return concurrency != null ? concurrency : rate;
  }

  /** Human text: "300 concurrent requests" or "2.5 requests/s". */
  @JsonIgnore
  public String describe() {
    if (stages != null) return "a ramp to " + (concurrency != null ? concurrency + " concurrent requests" : Numbers.trim(rate) + " requests/s")
        + " (" + stages.size() + (stages.size() == 1 ? " stage)" : " stages)");
    if (concurrency != null) return concurrency + (concurrency == 1 ? " concurrent request" : " concurrent requests");
    if (isTrace()) return "trace at " + Numbers.trim(rate) + "× its speed";
    return Numbers.trim(rate) + " requests/s";
  }

  /** Short axis label: "c300" / "r2.5". */
  @JsonIgnore
  public String shortLabel() {
    if (isTrace()) return "trace-x" + Numbers.trim(rate);
    if (stages != null) return "ramp-" + (concurrency != null ? "c" + concurrency : "r" + Numbers.trim(rate));
    return concurrency != null ? "c" + concurrency : "r" + Numbers.trim(rate);
  }
}
