package io.barrage.protocol.wire;

import io.barrage.protocol.metrics.IntervalReport;
import org.apache.pekko.actor.typed.ActorRef;

/** Messages the coordinator receives from workers. Each but {@link ClockPong} carries the worker's {@link OrderKey}. */
public final class CoordinatorProtocol {
  private CoordinatorProtocol() {}

  public sealed interface Event extends WireMessage permits ClockPong, FromWorker {}

  /** Every event but the clock answer: it names the worker and carries that worker's {@link OrderKey}. */
  public sealed interface FromWorker extends Event permits Interval, StepFailed, WorkerLeaving {
    ActorRef<WorkerProtocol.Command> worker();

    OrderKey key();
  }

  /**
   * Answer to {@link WorkerProtocol.ClockPing}: the worker's wall clock in epoch microseconds, and the
   * worker's {@link OrderKey}, sent only because the probe's reply-to is on the coordinator it joined.
   */
  public record ClockPong(long probeId, long workerEpochMicros, ActorRef<WorkerProtocol.Command> worker, OrderKey key)
      implements Event {}

  /** One interval report; acknowledged with {@link WorkerProtocol.ReportAck}, resent until then. */
  public record Interval(String runId, IntervalReport report, ActorRef<WorkerProtocol.Command> worker, OrderKey key) implements FromWorker {}

  /** The worker could not run the step at all (bad target, unreadable dataset); a person can act on {@code reason}. */
  public record StepFailed(
      String runId, String workerId, String cellId, String reason, ActorRef<WorkerProtocol.Command> worker, OrderKey key)
      implements FromWorker {}

  /**
   * The worker is shutting down gracefully (SIGTERM): it stops its step, flushes its last interval
   * and leaves. The coordinator hands its share to the survivors once that last interval arrived.
   */
  public record WorkerLeaving(ActorRef<WorkerProtocol.Command> worker, OrderKey key) implements FromWorker {}
}
