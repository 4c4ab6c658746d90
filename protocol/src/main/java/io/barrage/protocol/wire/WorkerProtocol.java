package io.barrage.protocol.wire;

import io.barrage.protocol.plan.CellSpec;
import io.barrage.protocol.plan.LoadShare;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/** Messages a worker receives from the coordinator. Workers register under {@link #SERVICE_KEY}. */
public final class WorkerProtocol {

  /** Every worker agent registers itself with the receptionist under this key. */
  public static final ServiceKey<Command> SERVICE_KEY = ServiceKey.create(Command.class, "barrage-worker");

  private WorkerProtocol() {}

  public sealed interface Command extends WireMessage permits ClockPing, Order {}

  /** Every command but the clock probe: it carries the worker's {@link OrderKey}. */
  public sealed interface Order extends Command permits StartStep, ResizeStep, StopStep, ReportAck {
    OrderKey key();
  }

  /**
   * Clock probe: the worker answers at once with {@link CoordinatorProtocol.ClockPong} carrying its
   * wall clock. The coordinator keeps the sample with the smallest round trip (NTP style). The
   * probe id is random: a pong is believed only when it echoes the id of a probe sent to that worker.
   */
  public record ClockPing(long probeId, ActorRef<CoordinatorProtocol.Event> replyTo) implements Command {}

  /**
   * Run one cell's share. {@code startAtEpochMs} is in the worker's own clock (the coordinator's
   * chosen instant plus this worker's measured offset), so every worker starts at the same moment.
   *
   * @param workerId the name the coordinator knows this worker by; every report carries it
   * @param scenarioYaml the whole scenario (targets, workload) as YAML
   * @param baseDir directory relative dataset paths resolve against, or "" for the working directory
   * @param key the key this worker sent the coordinator in its clock answer ({@link OrderKey}); every
   *     order to a worker carries it
   */
  public record StartStep(
      String runId,
      String workerId,
      String scenarioYaml,
      String baseDir,
      CellSpec cell,
      LoadShare share,
      long startAtEpochMs,
      ActorRef<CoordinatorProtocol.Event> coordinator,
      OrderKey key)
      implements Order {}

  /**
   * Change this worker's share of a running cell (rebalance after a lost worker). For request-count
   * steps {@code share.requestQuota()} is the worker's new total quota for the whole step, including
   * the requests it has already sent.
   */
  public record ResizeStep(String runId, String cellId, LoadShare share, OrderKey key) implements Order {}

  /** Stop the cell now (user stop, abort policy); the worker still flushes what it recorded. */
  public record StopStep(String runId, String cellId, OrderKey key) implements Order {}

  /** The coordinator has merged this report; the worker may forget it. */
  public record ReportAck(String runId, String cellId, long sequence, OrderKey key) implements Order {}
}
