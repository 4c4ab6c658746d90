package io.barrage.protocol.wire;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs every change of cluster membership at INFO with the member's address and roles: who joined,
 * came up, left, became unreachable or was removed. Every barrage node runs one; it keeps no state
 * and cannot fail on an event.
 */
public final class MembershipLog {
  private static final Logger log = LoggerFactory.getLogger(MembershipLog.class);

  private MembershipLog() {}

  public static Behavior<ClusterEvent.ClusterDomainEvent> create() {
    return Behaviors.setup(ctx -> {
      Cluster.get(ctx.getSystem()).subscriptions().tell(Subscribe.create(ctx.getSelf(), ClusterEvent.ClusterDomainEvent.class));
      return Behaviors.receiveMessage(e -> {
        if (e instanceof ClusterEvent.MemberJoined j) line("joining", j.member());
        else if (e instanceof ClusterEvent.MemberUp u) line("up", u.member());
        else if (e instanceof ClusterEvent.MemberLeft l) line("leaving", l.member());
        else if (e instanceof ClusterEvent.MemberExited x) line("exited", x.member());
        else if (e instanceof ClusterEvent.MemberDowned d) line("downed", d.member());
        else if (e instanceof ClusterEvent.MemberRemoved r) line("removed (was " + r.previousStatus() + ")", r.member());
        else if (e instanceof ClusterEvent.UnreachableMember u) line("unreachable", u.member());
        else if (e instanceof ClusterEvent.ReachableMember r) line("reachable again", r.member());
        return Behaviors.same();
      });
    });
  }

  private static void line(String what, Member m) {
    log.info("cluster member {} {}: roles {}", m.address(), what, m.getRoles());
  }
}
