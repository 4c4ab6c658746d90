package io.barrage.coordinator.run;

import io.barrage.protocol.metrics.Histograms;
import io.barrage.protocol.metrics.IntervalCounters;
import io.barrage.protocol.metrics.IntervalReport;
import io.barrage.protocol.metrics.Metric;
import io.barrage.protocol.plan.LoadShare;
import io.barrage.protocol.wire.CoordinatorProtocol;
import io.barrage.protocol.wire.OrderKey;
import io.barrage.protocol.wire.WorkerProtocol;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.HdrHistogram.Histogram;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

/**
 * A scripted worker for coordinator tests: speaks the wire protocol, sends {@code intervals} reports
 * (every 50 ms) of one request per stream each, with TTFT samples it also records into {@code all}.
 * Logs every order it receives with its key into {@code orders} (one without it is ignored, as a real worker does). {@code forever} keeps it reporting until stopped.
 */
public final class FakeWorker {
  private FakeWorker() {}

  /** Local timer message; never crosses the wire. */
  record Tick() {}

  /** Local: the worker dies (its receptionist entry goes with it). */
  public record Die() {}

  public static Behavior<Object> create(
      int intervals, boolean forever, Histogram all, Queue<WorkerProtocol.Command> orders, long[] tokens) {
    return create(intervals, forever, all, orders, tokens, Integer.MAX_VALUE);
  }

  /**
   * A worker that answers only its first {@code maxPings} clock probes and then falls silent to them
   * (as a worker that died a moment ago looks before the failure detector says so).
   */
  public static Behavior<Object> create(
      int intervals, boolean forever, Histogram all, Queue<WorkerProtocol.Command> orders, long[] tokens, int maxPings) {
    int[] pings = {0};
    OrderKey key = OrderKey.random();
    return Behaviors.setup(ctx -> {
      ctx.getSystem().receptionist().tell(Receptionist.register(WorkerProtocol.SERVICE_KEY, ctx.getSelf().<WorkerProtocol.Command>narrow()));
      return Behaviors.withTimers(timers -> new Object() {
        String runId, cellId, workerId;
        ActorRef<CoordinatorProtocol.Event> coordinator;
        LoadShare share;
        long seq;
        boolean stopping;

        Behavior<Object> behavior() {
          return Behaviors.receive(Object.class)
              .onMessage(WorkerProtocol.ClockPing.class, p -> {
                if (pings[0]++ >= maxPings) return Behaviors.same();
                p.replyTo().tell(new CoordinatorProtocol.ClockPong(p.probeId(), io.barrage.common.time.EpochTime.epochMicros(), ctx.getSelf().<WorkerProtocol.Command>narrow(), key));
                return Behaviors.same();
              })
              .onMessage(WorkerProtocol.StartStep.class, s -> {
                if (!key.matches(s.key())) return Behaviors.same(); // as a real worker: orders carry its key
                orders.add(s);
                runId = s.runId(); cellId = s.cell().id(); workerId = s.workerId(); coordinator = s.coordinator(); share = s.share();
                seq = 0; stopping = false;
                timers.startTimerWithFixedDelay("tick", new FakeWorker.Tick(), Duration.ofMillis(50));
                return Behaviors.same();
              })
              .onMessage(WorkerProtocol.ResizeStep.class, r -> { if (key.matches(r.key())) { orders.add(r); share = r.share(); } return Behaviors.same(); })
              .onMessage(WorkerProtocol.StopStep.class, s -> { if (key.matches(s.key())) { orders.add(s); stopping = true; } return Behaviors.same(); })
              .onMessage(WorkerProtocol.ReportAck.class, a -> { if (key.matches(a.key())) orders.add(a); return Behaviors.same(); })
              .onMessage(FakeWorker.Die.class, d -> Behaviors.stopped())
              .onMessage(FakeWorker.Tick.class, t -> {
                boolean last = stopping || (!forever && seq == intervals - 1);
                Histogram h = Histograms.create();
                for (int i = 0; i < Math.max(1, share.streams()); i++) {
                  long v = 1_000 + 37 * (seq + 1) * (i + 1) + workerId.hashCode() % 100;
                  h.recordValue(Math.abs(v));
                  synchronized (all) { all.recordValue(Math.abs(v)); }
                }
                long n = h.getTotalCount();
                synchronized (tokens) { tokens[0] += 10 * n; }
                var c = new IntervalCounters(n, n, Map.of(), Map.of(), 10 * n, 10 * n, 0, 0, last ? 0 : share.streams(), 0, -1, -1);
                long now = System.currentTimeMillis();
                coordinator.tell(new CoordinatorProtocol.Interval(runId,
                    new IntervalReport(workerId, cellId, seq++, now - 50, now, Map.of(Metric.TTFT, Histograms.encode(h)), c, last), ctx.getSelf().<WorkerProtocol.Command>narrow(), key));
                if (last) timers.cancel("tick");
                return Behaviors.same();
              })
              .build();
        }
      }.behavior());
    });
  }

  static List<WorkerProtocol.StartStep> starts(Queue<WorkerProtocol.Command> orders) {
    return orders.stream().filter(o -> o instanceof WorkerProtocol.StartStep).map(o -> (WorkerProtocol.StartStep) o).toList();
  }

  public static Queue<WorkerProtocol.Command> newOrderLog() {
    return new ConcurrentLinkedQueue<>();
  }
}
