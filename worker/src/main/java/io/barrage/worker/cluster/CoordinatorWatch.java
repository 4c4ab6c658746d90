package io.barrage.worker.cluster;

import io.barrage.protocol.wire.ClusterConfig;
import io.barrage.protocol.wire.Reachability;
import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.Member;

/**
 * Watches the coordinator from a worker node. Once the cluster has marked the coordinator
 * unreachable for {@code lostAfter} (crashed, killed, cut off, or paused), it tells the
 * {@link WorkerAgent} that the coordinator is {@link WorkerAgent.CoordinatorSilent silent}, and again
 * every {@code lostAfter / 4} while the mark stays; the agent stops the load unless the coordinator
 * answered this worker itself within {@code lostAfter} (the mark may come from another member that
 * alone is cut off). A stopped load is one nobody would count, and a generator must not keep
 * hammering a target on its own. The recorded intervals stay with the agent and are sent if the
 * coordinator answers again. The node itself stays a member: the split-brain resolver decides, much
 * later ({@code barrage-cluster.conf}), whether it is downed, so a paused coordinator that comes back
 * finds its workers still there.
 */
public final class CoordinatorWatch extends AbstractBehavior<CoordinatorWatch.Command> {

  public sealed interface Command {}

  private record Unreachable(Member member) implements Command {}

  private record Reachable(Member member) implements Command {}

  private record Removed(Member member) implements Command {}

  private enum Silent implements Command {
    INSTANCE
  }

  private final ActorRef<WorkerAgent.Command> agent;
  private final Duration lostAfter;
  private final TimerScheduler<Command> timers;
  private long unreachableSinceNanos = -1;

  public static Behavior<Command> create(ActorRef<WorkerAgent.Command> agent, Duration lostAfter) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(t -> new CoordinatorWatch(ctx, t, agent, lostAfter)));
  }

  private CoordinatorWatch(ActorContext<Command> ctx, TimerScheduler<Command> timers, ActorRef<WorkerAgent.Command> agent, Duration lostAfter) {
    super(ctx);
    this.agent = agent;
    this.lostAfter = lostAfter;
    this.timers = timers;
    Reachability.subscribe(ctx, Unreachable::new, Reachable::new, Removed::new);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Unreachable.class, u -> onUnreachable(u.member()))
        .onMessage(Reachable.class, r -> onReachable(r.member()))
        .onMessage(Removed.class, r -> onRemoved(r.member()))
        .onMessage(Silent.class, s -> onSilent())
        .build();
  }

  private Behavior<Command> onUnreachable(Member m) {
    if (!m.hasRole(ClusterConfig.ROLE_COORDINATOR) || unreachableSinceNanos >= 0) return this;
    unreachableSinceNanos = System.nanoTime();
    getContext().getLog().warn("coordinator {} is unreachable; the load stops if it stays so for {} ms and this worker hears nothing from it meanwhile",
        m.address(), lostAfter.toMillis());
    timers.startTimerWithFixedDelay(Silent.INSTANCE, lostAfter, Duration.ofMillis(Math.max(1, lostAfter.toMillis() / 4)));
    return this;
  }

  private Behavior<Command> onReachable(Member m) {
    if (!m.hasRole(ClusterConfig.ROLE_COORDINATOR) || unreachableSinceNanos < 0) return this;
    getContext().getLog().info("coordinator {} is reachable again after {} ms", m.address(), (System.nanoTime() - unreachableSinceNanos) / 1_000_000);
    unreachableSinceNanos = -1;
    timers.cancel(Silent.INSTANCE);
    return this;
  }

  private Behavior<Command> onRemoved(Member m) {
    if (!m.hasRole(ClusterConfig.ROLE_COORDINATOR)) return this;
    timers.cancel(Silent.INSTANCE);
    agent.tell(new WorkerAgent.StopAll("the coordinator " + m.address() + " left the cluster"));
    return this;
  }

  private Behavior<Command> onSilent() {
    if (unreachableSinceNanos < 0) return this;
    long ms = (System.nanoTime() - unreachableSinceNanos) / 1_000_000;
    agent.tell(new WorkerAgent.CoordinatorSilent(lostAfter, "the coordinator has been unreachable for " + ms + " ms (coordinator-lost-after " + lostAfter.toMillis() + " ms)"));
    return this;
  }
}
