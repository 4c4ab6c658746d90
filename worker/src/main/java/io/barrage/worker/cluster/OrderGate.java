package io.barrage.worker.cluster;

import io.barrage.protocol.wire.ClusterConfig;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Decides whether a worker obeys an order, from where the order's reply-to lives: orders are meant
 * for the coordinator that runs the cluster, so a clock probe or step order whose replies would go to
 * any other node (another member that claims the coordinator role, a worker, a stranger) is refused.
 */
@FunctionalInterface
public interface OrderGate {

  /** Null to obey; else why the order is refused (for the log). */
  String refusal(ActorRef<?> replyTo);

  /** Obeys every order (single-actor tests without a cluster). */
  OrderGate ANY = replyTo -> null;

  /**
   * The coordinator this worker joined: the oldest Up member with the coordinator role (the one the
   * split-brain resolver keeps). A reply-to in this JVM counts as this node's address, for the
   * single-process mode where one node has both roles.
   */
  static OrderGate joinedCoordinator(ActorSystem<?> system) {
    Cluster cluster = Cluster.get(system);
    return replyTo -> {
      Address from = replyTo.path().address();
      if (from.hasLocalScope()) from = cluster.selfMember().address();
      Optional<Member> coordinator = StreamSupport.stream(cluster.state().getMembers().spliterator(), false)
          .filter(m -> m.status() == MemberStatus.up() && m.hasRole(ClusterConfig.ROLE_COORDINATOR))
          .reduce((a, b) -> a.isOlderThan(b) ? a : b);
      if (coordinator.isEmpty()) return "no coordinator is Up in this cluster";
      if (coordinator.get().address().equals(from)) return null;
      Address sender = from;
      String role = StreamSupport.stream(cluster.state().getMembers().spliterator(), false)
          .filter(m -> m.address().equals(sender))
          .findFirst()
          .map(m -> "a member with roles " + m.getRoles())
          .orElse("not a member");
      return "replies would go to " + from + " (" + role + "), not to the coordinator " + coordinator.get().address();
    };
  }
}
