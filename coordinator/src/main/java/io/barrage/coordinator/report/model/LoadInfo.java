package io.barrage.coordinator.report.model;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * A load level: exactly one of {@code concurrency} (closed loop) or {@code rate} (requests/s, open
 * loop). A trace replay is {@code arrivals: trace} with its speedup as {@code rate}: its level is how
 * many times faster than recorded the trace ran.
 */
public record LoadInfo(Integer concurrency, Double rate, String arrivals) {

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
    if (concurrency != null) return concurrency + (concurrency == 1 ? " concurrent request" : " concurrent requests");
    if (isTrace()) return "trace at " + Numbers.trim(rate) + "× its speed";
    return Numbers.trim(rate) + " requests/s";
  }

  /** Short axis label: "c300" / "r2.5". */
  @JsonIgnore
  public String shortLabel() {
    if (isTrace()) return "trace-x" + Numbers.trim(rate);
    return concurrency != null ? "c" + concurrency : "r" + Numbers.trim(rate);
  }
}
