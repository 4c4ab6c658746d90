package io.barrage.protocol.wire;

import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.apache.pekko.japi.function.Function;

/**
 * Subscribes an actor to the three membership events every barrage node watches: a member became
 * unreachable, became reachable again, or was removed. Each arrives as the actor's own message.
 */
public final class Reachability {
  private Reachability() {}

  public static <T> void subscribe(ActorContext<T> ctx, Function<Member, T> unreachable, Function<Member, T> reachable,
      Function<Member, T> removed) {
    var subscriptions = Cluster.get(ctx.getSystem()).subscriptions();
    subscriptions.tell(Subscribe.create(
        ctx.messageAdapter(ClusterEvent.UnreachableMember.class, e -> unreachable.apply(e.member())), ClusterEvent.UnreachableMember.class));
    subscriptions.tell(Subscribe.create(
        ctx.messageAdapter(ClusterEvent.ReachableMember.class, e -> reachable.apply(e.member())), ClusterEvent.ReachableMember.class));
    subscriptions.tell(Subscribe.create(
        ctx.messageAdapter(ClusterEvent.MemberRemoved.class, e -> removed.apply(e.member())), ClusterEvent.MemberRemoved.class));
  }
}
