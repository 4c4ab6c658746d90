package io.barrage.coordinator.run;

import static io.barrage.common.time.EpochTime.epochMicros;

import io.barrage.protocol.wire.CoordinatorProtocol;
import io.barrage.protocol.wire.OrderKey;
import io.barrage.protocol.wire.WorkerProtocol;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;

/**
 * The workers a run knows and their clocks: who joined, who is available for the next cell, each
 * one's clock offset (ping/pong, minimum round trip, {@link ClockOffsets}), and the roll call that
 * precedes every cell: a cell is planned only over workers that answered a probe sent for it, so a
 * worker that died a moment ago (before the failure detector noticed) gets no share. Plain Java,
 * owned by the run's actor; it sends probes but reacts to nothing by itself.
 */
final class WorkerRoster {

  /** Whether a worker can take part in the next cell. */
  enum Presence {
    /** reachable and listed */
    AVAILABLE,
    /** unreachable or out of the listing: taken back when it is reachable and listed again */
    UNREACHABLE,
    /** announced a graceful leave: never used again */
    LEAVING,
    /** removed from the cluster: never used again */
    GONE
  }

  static final class Member {
    final String id;
    final ActorRef<WorkerProtocol.Command> ref;
    Presence presence = Presence.AVAILABLE;
    /** The worker's key from its first believed clock answer; null until then ({@link OrderKey}). */
    OrderKey key;

    Member(String id, ActorRef<WorkerProtocol.Command> ref) {
      this.id = id;
      this.ref = ref;
    }

    Address address() {
      return ref.path().address();
    }
  }

  private record Probe(long sentMicros, Member to) {}

  private final Map<ActorRef<WorkerProtocol.Command>, Member> members = new LinkedHashMap<>();
  private final ClockOffsets clocks = new ClockOffsets();
  private final Map<Long, Probe> probes = new HashMap<>();
  private final Address selfAddress;
  private final SecureRandom probeIds = new SecureRandom();
  // the roll call of the next cell: probe ids still unanswered, members that answered
  private final Set<Long> rollCallPending = new HashSet<>();
  private final List<Member> rollCallAnswered = new ArrayList<>();
  private long rollCallStartedNanos = -1;

  WorkerRoster(Address selfAddress) {
    this.selfAddress = selfAddress;
  }

  /** A worker that no longer carries its part of the running cell, and how that is to be read. */
  record Departure(Member member, CellLosses.How how, String why) {}

  /**
   * Takes in a receptionist listing: new workers join (returned), a known unreachable one listed again
   * and reachable is available again; an available one missing from the listing (it leaves out
   * unreachable nodes) is unreachable for now and departs.
   */
  List<Member> listing(Set<ActorRef<WorkerProtocol.Command>> listed, java.util.function.Predicate<ActorRef<?>> reachable, Logger log,
      List<Departure> departed) {
    List<Member> joined = new ArrayList<>();
    for (ActorRef<WorkerProtocol.Command> ref : listed) {
      Member m = join(ref);
      if (m != null) {
        joined.add(m);
        log.info("worker {} joined", m.id);
      } else if ((m = get(ref)).presence == Presence.UNREACHABLE && reachable.test(ref)) {
        m.presence = Presence.AVAILABLE;
        log.info("worker {} is listed again; it takes part from the next cell on", m.id);
      }
    }
    for (Member m : members.values()) {
      if (!listed.contains(m.ref) && m.presence == Presence.AVAILABLE) {
        m.presence = Presence.UNREACHABLE;
        departed.add(new Departure(m, CellLosses.How.LOST, "left the receptionist listing"));
      }
    }
    return joined;
  }

  /**
   * The node at {@code address} became unreachable or was removed: its available workers depart as
   * lost, its leaving ones as gone before their last report (a no-op for the cell once it arrived).
   */
  List<Departure> nodeLost(Address address, boolean removed, Logger log) {
    List<Departure> out = new ArrayList<>();
    for (Member m : at(address)) {
      Presence before = m.presence;
      if (removed) m.presence = Presence.GONE;
      else if (before == Presence.AVAILABLE) m.presence = Presence.UNREACHABLE;
      if (before == Presence.LEAVING) {
        log.info("worker {} left the cluster", m.id);
        out.add(new Departure(m, CellLosses.How.LEFT_UNFLUSHED, "left without flushing its last interval"));
      } else if (before == Presence.AVAILABLE) {
        String why = removed ? "removed from the cluster" : "unreachable";
        log.warn("worker {} {}", m.id, why);
        out.add(new Departure(m, CellLosses.How.LOST, why));
      }
    }
    return out;
  }

  /** A worker that was only unreachable (paused, starved) is taken back from the next cell on. */
  void nodeReachable(Address address, Logger log) {
    for (Member m : at(address)) {
      if (m.presence == Presence.UNREACHABLE) {
        m.presence = Presence.AVAILABLE;
        log.info("worker {} is reachable again; it takes part from the next cell on", m.id);
      }
    }
  }

  /** Adds a newly listed worker; null when it is known already. */
  Member join(ActorRef<WorkerProtocol.Command> ref) {
    if (members.containsKey(ref)) return null;
    Member m = new Member(workerId(ref, selfAddress), ref);
    members.put(ref, m);
    return m;
  }

  Member get(ActorRef<?> ref) {
    return members.get(ref);
  }

  /**
   * Why a message that names {@code worker} and carries {@code key} is not believed, or null when it
   * is: the worker must be known, and the key the one it sent in answer to a probe.
   */
  String refusal(ActorRef<?> worker, OrderKey key) {
    if (worker == null) return "it names no worker";
    Member m = members.get(worker);
    if (m == null) return "no worker of this run is " + worker.path();
    if (m.key == null || !m.key.matches(key)) return "it does not carry worker " + m.id + "'s key";
    return null;
  }

  Collection<Member> all() {
    return members.values();
  }

  /** The workers on the node at {@code address}. */
  List<Member> at(Address address) {
    List<Member> out = new ArrayList<>();
    for (Member m : members.values()) if (m.address().equals(address)) out.add(m);
    return out;
  }

  ClockOffsets clocks() {
    return clocks;
  }

  long offsetMs(String workerId) {
    return clocks.offsetMs(workerId);
  }

  /** Workers that may carry the next cell: available with a clock sample, in id order. */
  List<Member> candidates() {
    return members.values().stream().filter(m -> m.presence == Presence.AVAILABLE && clocks.has(m.id))
        .sorted(Comparator.comparing(m -> m.id)).toList();
  }

  void probeAvailable(ActorRef<CoordinatorProtocol.Event> replyTo) {
    for (Member m : members.values()) if (m.presence == Presence.AVAILABLE) probe(m, replyTo);
  }

  long probe(Member m, ActorRef<CoordinatorProtocol.Event> replyTo) {
    if (probes.size() > 10_000) probes.clear(); // answers that never came
    long id;
    do {
      id = probeIds.nextLong(); // unguessable: only the worker it went to can answer it
    } while (probes.containsKey(id));
    probes.put(id, new Probe(epochMicros(), m));
    m.ref.tell(new WorkerProtocol.ClockPing(id, replyTo));
    return id;
  }

  /**
   * Takes in a probe's answer: a clock sample, the worker's key, and an answer to the roll call. An
   * answer is believed only when it echoes a probe sent to that same worker.
   */
  void pong(CoordinatorProtocol.ClockPong p) {
    Probe probe = probes.get(p.probeId());
    if (probe == null || !probe.to().ref.equals(p.worker()) || p.key() == null) return;
    probes.remove(p.probeId());
    probe.to().key = p.key();
    clocks.record(probe.to().id, probe.sentMicros(), p.workerEpochMicros(), epochMicros());
    if (rollCallPending.remove(p.probeId()) && probe.to().presence == Presence.AVAILABLE) rollCallAnswered.add(probe.to());
  }

  /** Probes {@code who}; the next cell is planned over those that answer. */
  void startRollCall(List<Member> who, ActorRef<CoordinatorProtocol.Event> replyTo, long nowNanos) {
    cancelRollCall();
    rollCallStartedNanos = nowNanos;
    for (Member m : who) rollCallPending.add(probe(m, replyTo));
  }

  boolean rollCallRunning() {
    return rollCallStartedNanos >= 0;
  }

  boolean rollCallAllAnswered() {
    return rollCallRunning() && rollCallPending.isEmpty();
  }

  long rollCallStartedNanos() {
    return rollCallStartedNanos;
  }

  /** Who answered the roll call and is still available, in id order. */
  List<Member> rollCallAnswered() {
    return rollCallAnswered.stream().filter(m -> m.presence == Presence.AVAILABLE).sorted(Comparator.comparing(m -> m.id)).toList();
  }

  void cancelRollCall() {
    rollCallPending.clear();
    rollCallAnswered.clear();
    rollCallStartedNanos = -1;
  }

  /**
   * A readable worker id: {@code host:port} of its node, plus the agent's name when a node runs
   * several agents; {@code selfAddress} stands for a worker agent on the coordinator's own node.
   */
  static String workerId(ActorRef<?> ref, Address selfAddress) {
    Address a = ref.path().address();
    if (a.host().isEmpty()) a = selfAddress;
    String node = a.host().isDefined() && a.port().isDefined() ? a.host().get() + ":" + a.port().get() : "local";
    // the registered ref is normally the agent's message adapter; agents of one node differ by name
    String name = ref.path().name().contains("adapter") ? ref.path().parent().name() : ref.path().name();
    return "worker".equals(name) ? node : node + "/" + name;
  }

}
