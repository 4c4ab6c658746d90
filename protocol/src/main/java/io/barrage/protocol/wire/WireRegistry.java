package io.barrage.protocol.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.serializers.RecordSerializer;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import com.esotericsoftware.kryo.util.MapReferenceResolver;
import io.barrage.protocol.metrics.ErrorClass;
import io.barrage.protocol.metrics.IntervalCounters;
import io.barrage.protocol.metrics.UnreachableSpan;
import io.barrage.protocol.metrics.IntervalReport;
import io.barrage.protocol.metrics.Metric;
import io.barrage.protocol.plan.CellSpec;
import io.barrage.protocol.plan.Load;
import io.barrage.protocol.plan.LoadShare;
import io.barrage.protocol.scenario.Arrivals;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;

/**
 * The fixed Kryo registration table of the wire protocol. Ids are part of the protocol: never
 * renumber or reuse one; append new classes with new ids. Registration is required, so a class that
 * is not listed here cannot cross the wire (it fails loudly at the sender).
 */
public final class WireRegistry {

  /** Pekko serializer identifier of {@link KryoWireSerializer} (0..40 are Pekko's own). */
  public static final int SERIALIZER_ID = 7401;

  /** One row of the table. */
  public record Entry(int id, Class<?> type) {}

  private static final List<Entry> ENTRIES =
      List.of(
          // values and containers
          new Entry(100, byte[].class),
          new Entry(101, List.class),
          new Entry(102, Map.class),
          new Entry(103, ActorRef.class),
          new Entry(110, Metric.class),
          new Entry(111, ErrorClass.class),
          new Entry(112, Arrivals.class),
          new Entry(120, IntervalReport.class),
          new Entry(121, IntervalCounters.class),
          new Entry(122, CellSpec.class),
          new Entry(123, Load.Concurrency.class),
          new Entry(124, Load.Rate.class),
          new Entry(125, LoadShare.class),
          new Entry(130, UnreachableSpan.class),
          // coordinator -> worker
          new Entry(200, WorkerProtocol.ClockPing.class),
          new Entry(201, WorkerProtocol.StartStep.class),
          new Entry(202, WorkerProtocol.ResizeStep.class),
          new Entry(203, WorkerProtocol.StopStep.class),
          new Entry(204, WorkerProtocol.ReportAck.class),
          // worker -> coordinator
          new Entry(300, CoordinatorProtocol.ClockPong.class),
          new Entry(301, CoordinatorProtocol.Interval.class),
          new Entry(302, CoordinatorProtocol.StepFailed.class),
          new Entry(303, CoordinatorProtocol.WorkerLeaving.class));

  private WireRegistry() {}

  public static List<Entry> entries() {
    return ENTRIES;
  }

  /**
   * A new Kryo instance with the whole table registered. Kryo is not thread-safe: one instance per
   * thread (the serializer pools them).
   *
   * @param resolver resolves typed actor refs to and from their serialized form (needs an ActorSystem)
   */
  public static Kryo newKryo(Supplier<ActorRefResolver> resolver) {
    Kryo kryo = new Kryo(new WireClassResolver(), new MapReferenceResolver());
    kryo.setRegistrationRequired(true);
    kryo.setReferences(false);
    for (Entry e : ENTRIES) {
      kryo.register(e.type(), serializerFor(e.type(), resolver), e.id());
    }
    return kryo;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Serializer<?> serializerFor(Class<?> type, Supplier<ActorRefResolver> resolver) {
    if (type == List.class) return new ListSerializer();
    if (type == Map.class) return new MapSerializer();
    if (type == ActorRef.class) return new ActorRefSerializer(resolver);
    if (type.isRecord()) return new RecordSerializer(type);
    if (type == byte[].class) return new com.esotericsoftware.kryo.serializers.DefaultArraySerializers.ByteArraySerializer();
    if (type.isEnum()) return new com.esotericsoftware.kryo.serializers.DefaultSerializers.EnumSerializer((Class) type);
    throw new IllegalStateException("no serializer for " + type);
  }

  /**
   * Maps every implementation of the interfaces the protocol uses (immutable lists and maps, the
   * various actor ref classes) to the interface's registration; anything else must be registered.
   */
  private static final class WireClassResolver extends DefaultClassResolver {
    @Override
    public Registration getRegistration(Class type) {
      Registration r = super.getRegistration(type);
      if (r != null || type == null) return r;
      if (ActorRef.class.isAssignableFrom(type)) return super.getRegistration(ActorRef.class);
      if (List.class.isAssignableFrom(type)) return super.getRegistration(List.class);
      if (Map.class.isAssignableFrom(type)) return super.getRegistration(Map.class);
      return null;
    }
  }

  /** Lists travel as their elements and come back unmodifiable. */
  private static final class ListSerializer extends Serializer<List<?>> {
    ListSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, com.esotericsoftware.kryo.io.Output out, List<?> list) {
      out.writeVarInt(list.size(), true);
      for (Object o : list) kryo.writeClassAndObject(out, o);
    }

    @Override
    public List<?> read(Kryo kryo, com.esotericsoftware.kryo.io.Input in, Class<? extends List<?>> type) {
      int n = in.readVarInt(true);
      Object[] items = new Object[n];
      for (int i = 0; i < n; i++) items[i] = kryo.readClassAndObject(in);
      return Collections.unmodifiableList(java.util.Arrays.asList(items));
    }
  }

  /** Maps travel as key/value pairs and come back unmodifiable (insertion order kept). */
  private static final class MapSerializer extends Serializer<Map<?, ?>> {
    MapSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, com.esotericsoftware.kryo.io.Output out, Map<?, ?> map) {
      out.writeVarInt(map.size(), true);
      for (Map.Entry<?, ?> e : map.entrySet()) {
        kryo.writeClassAndObject(out, e.getKey());
        kryo.writeClassAndObject(out, e.getValue());
      }
    }

    @Override
    public Map<?, ?> read(Kryo kryo, com.esotericsoftware.kryo.io.Input in, Class<? extends Map<?, ?>> type) {
      int n = in.readVarInt(true);
      Map<Object, Object> m = new LinkedHashMap<>(Math.max(4, n * 2));
      for (int i = 0; i < n; i++) m.put(kryo.readClassAndObject(in), kryo.readClassAndObject(in));
      return Collections.unmodifiableMap(m);
    }
  }

  /** Typed actor refs travel as Pekko's own serialization format (path with address and uid). */
  private static final class ActorRefSerializer extends Serializer<ActorRef<?>> {
    private final Supplier<ActorRefResolver> resolver;

    ActorRefSerializer(Supplier<ActorRefResolver> resolver) {
      this.resolver = resolver;
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, com.esotericsoftware.kryo.io.Output out, ActorRef<?> ref) {
      out.writeString(resolver.get().toSerializationFormat(ref));
    }

    @Override
    public ActorRef<?> read(Kryo kryo, com.esotericsoftware.kryo.io.Input in, Class<? extends ActorRef<?>> type) {
      return resolver.get().resolveActorRef(in.readString());
    }
  }
}
