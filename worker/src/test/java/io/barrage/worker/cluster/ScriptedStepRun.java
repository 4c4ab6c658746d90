package io.barrage.worker.cluster;

import io.barrage.protocol.metrics.Histograms;
import io.barrage.protocol.metrics.IntervalCounters;
import io.barrage.protocol.metrics.IntervalReport;
import io.barrage.protocol.metrics.Metric;
import io.barrage.protocol.plan.LoadShare;
import io.barrage.worker.engine.RunningStep;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.HdrHistogram.Histogram;

/** A test stand-in for the engine's running step: one sample and 10 tokens per interval. */
final class ScriptedStepRun implements RunningStep {
  final String workerId;
  final String cellId;
  final CompletableFuture<Void> done = new CompletableFuture<>();
  final List<LoadShare> resizes = new CopyOnWriteArrayList<>();
  volatile boolean stopped;
  private long seq;
  private boolean lastDrained;

  ScriptedStepRun(String workerId, String cellId) {
    this.workerId = workerId;
    this.cellId = cellId;
  }

  @Override
  public synchronized IntervalReport drainInterval() {
    if (lastDrained) throw new IllegalStateException("drained after the last interval");
    boolean last = done.isDone();
    lastDrained = last;
    Histogram h = Histograms.create();
    h.recordValue(1000 + seq);
    var c = new IntervalCounters(1, 1, Map.of(), Map.of(), 10, 10, 0, 0, last ? 0 : 1, 0, -1, -1);
    return new IntervalReport(workerId, cellId, seq++, 0, 0, Map.of(Metric.TTFT, Histograms.encode(h)), c, last);
  }

  @Override
  public CompletionStage<Void> done() {
    return done;
  }

  @Override
  public void stop() {
    stopped = true;
    done.complete(null);
  }

  @Override
  public void resize(LoadShare newShare) {
    resizes.add(newShare);
  }

  @Override
  public int inFlight() {
    return done.isDone() ? 0 : 1;
  }
}
