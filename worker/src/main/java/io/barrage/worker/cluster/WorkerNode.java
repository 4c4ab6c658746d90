package io.barrage.worker.cluster;

import io.barrage.protocol.wire.ClusterConfig;
import io.barrage.protocol.wire.ClusterSecurity;
import io.barrage.protocol.wire.MembershipLog;
import io.barrage.worker.WorkerSettings;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker node: the {@code barrage} ActorSystem with role {@code worker}, joined to a seed, running a
 * {@link WorkerAgent}. Coordinated shutdown (SIGTERM) first flushes the agent (final interval
 * acknowledged), then leaves the cluster.
 */
public final class WorkerNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WorkerNode.class);

  /**
   * @param join seed {@code HOST:PORT}
   * @param flushTimeout how long a leaving worker waits for its last reports to be acknowledged
   * @param clusterSecurity how the cluster port is protected (mutual TLS, or plain TCP)
   */
  public record Settings(String join, String canonicalHost, String bindHost, int port, Duration flushTimeout, ClusterSecurity clusterSecurity) {
    /** Plain TCP, loopback only ({@link ClusterSecurity#LOOPBACK_ONLY}): single-machine use and tests. */
    public Settings(String join, String canonicalHost, String bindHost, int port, Duration flushTimeout) {
      this(join, canonicalHost, bindHost, port, flushTimeout, ClusterSecurity.LOOPBACK_ONLY);
    }
  }

  private final ActorSystem<Void> system;
  private final StepLauncher launcher;

  private WorkerNode(ActorSystem<Void> system, StepLauncher launcher) {
    this.system = system;
    this.launcher = launcher;
  }

  /**
   * Starts the node. {@code launcherFactory} gets the classic ActorSystem (the engine runs its HTTP
   * clients on it).
   */
  public static WorkerNode start(Settings s, Function<org.apache.pekko.actor.ActorSystem, StepLauncher> launcherFactory) {
    var config = ClusterConfig.node(List.of(ClusterConfig.ROLE_WORKER), s.canonicalHost(), s.bindHost(), s.port(), List.of(s.join()), s.clusterSecurity());
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), ClusterConfig.SYSTEM_NAME, config);
    system.systemActorOf(MembershipLog.create(), "membership-log", org.apache.pekko.actor.typed.Props.empty());
    StepLauncher launcher;
    try {
      launcher = launcherFactory.apply(Adapter.toClassic(system));
    } catch (RuntimeException e) {
      system.terminate();
      throw e;
    }
    ActorRef<WorkerAgent.Command> agent = system.systemActorOf(agentBehavior(launcher), "worker", org.apache.pekko.actor.typed.Props.empty());
    installFlushOnShutdown(system, agent, s.flushTimeout());
    Duration lostAfter = WorkerSettings.fromConfig(system.settings().config()).coordinatorLostAfter();
    system.systemActorOf(CoordinatorWatch.create(agent, lostAfter), "coordinator-watch", org.apache.pekko.actor.typed.Props.empty());
    log.info("worker node {} joining {} ({})", Cluster.get(system).selfMember().address(), s.join(),
        s.clusterSecurity() instanceof ClusterSecurity.MutualTls tls ? "mutual TLS, certificates in " + tls.dir() : "plain TCP");
    return new WorkerNode(system, launcher);
  }

  private static Behavior<WorkerAgent.Command> agentBehavior(StepLauncher launcher) {
    return WorkerAgent.create(launcher, WorkerAgent.Settings.defaults());
  }

  /** Runs the agent's flush in the first shutdown phase, before the node leaves the cluster. */
  public static void installFlushOnShutdown(ActorSystem<?> system, ActorRef<WorkerAgent.Command> agent, Duration timeout) {
    CoordinatedShutdown.get(system)
        .addTask(
            CoordinatedShutdown.PhaseBeforeServiceUnbind(),
            "barrage-flush-intervals",
            () -> {
              CompletionStage<Done> flushed = AskPattern.ask(agent, WorkerAgent.Flush::new, timeout, system.scheduler());
              return flushed.exceptionally(
                  e -> {
                    log.warn("leaving before every interval was acknowledged: {}", e.toString());
                    return Done.getInstance();
                  });
            });
  }

  public ActorSystem<Void> system() {
    return system;
  }

  /**
   * True when the node ended because the cluster downed it (the split-brain resolver: it was cut off
   * from the coordinator's side for longer than the downing decision), not because it was stopped
   * or left. Such a worker is healthy and may join again as a new member.
   */
  public boolean downedByCluster() {
    return CoordinatedShutdown.get(system).getShutdownReason()
        .map(r -> r.equals(CoordinatedShutdown.clusterDowningReason()))
        .orElse(false);
  }

  /** True once this node is Up in the cluster (readiness). */
  public boolean isUp() {
    return Cluster.get(system).selfMember().status() == MemberStatus.up();
  }

  public CompletionStage<Done> whenTerminated() {
    return system.getWhenTerminated();
  }

  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("worker node did not terminate cleanly: {}", e.toString());
    }
    launcher.close();
  }
}
