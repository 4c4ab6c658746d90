package io.barrage.coordinator.run;

import java.util.HashMap;
import java.util.Map;

/**
 * Per-worker clock offset, NTP style: each probe gives {@code offset = tWorker − (t0 + t2) / 2} with an
 * uncertainty of half its round trip; the sample with the smallest round trip wins. Not thread-safe.
 */
public final class ClockOffsets {

  /** The best sample so far of one worker. */
  public record Sample(long offsetMicros, long rttMicros) {}

  private final Map<String, Sample> best = new HashMap<>();
  private final Map<String, Integer> samples = new HashMap<>();

  /**
   * @param t0Micros coordinator clock when the probe left
   * @param workerMicros worker clock when it answered
   * @param t2Micros coordinator clock when the answer arrived
   */
  public void record(String workerId, long t0Micros, long workerMicros, long t2Micros) {
    long rtt = Math.max(0, t2Micros - t0Micros);
    long offset = workerMicros - (t0Micros + t2Micros) / 2;
    samples.merge(workerId, 1, Integer::sum);
    best.merge(workerId, new Sample(offset, rtt), (old, neu) -> neu.rttMicros() < old.rttMicros() ? neu : old);
  }

  public boolean has(String workerId) {
    return best.containsKey(workerId);
  }

  public int sampleCount(String workerId) {
    return samples.getOrDefault(workerId, 0);
  }

  /** Worker clock minus coordinator clock in ms (0 when never measured). */
  public long offsetMs(String workerId) {
    Sample s = best.get(workerId);
    return s == null ? 0 : Math.round(s.offsetMicros() / 1000.0);
  }

  public Sample sample(String workerId) {
    return best.get(workerId);
  }
}
