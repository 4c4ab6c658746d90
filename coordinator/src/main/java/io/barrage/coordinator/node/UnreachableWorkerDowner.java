package io.barrage.coordinator.node;

import io.barrage.protocol.wire.ClusterConfig;
import io.barrage.protocol.wire.Reachability;
import java.time.Duration;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;

/**
 * Runs on the coordinator and downs a worker that has stayed unreachable for {@code downAfter},
 * which is shorter than the split-brain resolver's {@code stable-after}. Why: when a worker and the
 * coordinator cannot reach each other while another worker still reaches both (a partial
 * partition), Pekko's resolver counts both ends as "indirectly connected" and, once reachability
 * has been still for {@code stable-after}, downs both — the coordinator included (measured with
 * {@code PartitionIT}, ADR 0270). Downing the worker first removes it from the membership, so the
 * resolver has nothing left to decide and the coordinator stays. The downed worker's process joins
 * again as a new member once it can ({@code barrage worker}), and is used from the next cell on.
 *
 * <p>Protocol: cluster membership events only; a worker reachable again before the deadline is left
 * alone. It never downs a coordinator-role member.
 */
public final class UnreachableWorkerDowner extends AbstractBehavior<UnreachableWorkerDowner.Command> {

  public sealed interface Command {}

  private record Unreachable(Member member) implements Command {}

  private record Reachable(Member member) implements Command {}

  private record Removed(Member member) implements Command {}

  private record Deadline(Address address, long sinceNanos) implements Command {}

  private final Duration downAfter;
  private final TimerScheduler<Command> timers;
  private final Cluster cluster;

  public static Behavior<Command> create(Duration downAfter) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(t -> new UnreachableWorkerDowner(ctx, t, downAfter)));
  }

  private UnreachableWorkerDowner(ActorContext<Command> ctx, TimerScheduler<Command> timers, Duration downAfter) {
    super(ctx);
    this.downAfter = downAfter;
    this.timers = timers;
    this.cluster = Cluster.get(ctx.getSystem());
    Reachability.subscribe(ctx, Unreachable::new, Reachable::new, Removed::new);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Unreachable.class, u -> onUnreachable(u.member()))
        .onMessage(Reachable.class, r -> cancel(r.member()))
        .onMessage(Removed.class, r -> cancel(r.member()))
        .onMessage(Deadline.class, this::onDeadline)
        .build();
  }

  private Behavior<Command> onUnreachable(Member m) {
    if (m.hasRole(ClusterConfig.ROLE_COORDINATOR) || !m.hasRole(ClusterConfig.ROLE_WORKER)) return this;
    if (!timers.isTimerActive(m.address())) timers.startSingleTimer(m.address(), new Deadline(m.address(), System.nanoTime()), downAfter);
    return this;
  }

  private Behavior<Command> cancel(Member m) {
    timers.cancel(m.address());
    return this;
  }

  private Behavior<Command> onDeadline(Deadline d) {
    boolean stillUnreachable = false;
    for (Member m : cluster.state().getUnreachable()) stillUnreachable |= m.address().equals(d.address());
    if (!stillUnreachable) return this;
    getContext().getLog().warn("worker {} has been unreachable for {} ms: downing it before the split-brain resolver would decide "
        + "(it joins again as a new member once it reaches the coordinator)", d.address(), (System.nanoTime() - d.sinceNanos()) / 1_000_000);
    cluster.manager().tell(new Down(d.address()));
    return this;
  }

  /**
   * The delay to use: {@code configured}, but at most three quarters of the resolver's
   * {@code stable-after}, so that this always acts before the resolver does.
   */
  static Duration effective(Duration configured, Duration stableAfter) {
    Duration cap = stableAfter.multipliedBy(3).dividedBy(4);
    return configured.compareTo(cap) < 0 ? configured : cap;
  }
}
