package io.barrage.protocol.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.RecordSerializer;
import com.esotericsoftware.kryo.util.DefaultClassResolver;
import com.esotericsoftware.kryo.util.MapReferenceResolver;
import io.barrage.protocol.metrics.ErrorClass;
import io.barrage.protocol.metrics.IntervalCounters;
import io.barrage.protocol.metrics.UnreachableSpan;
import io.barrage.protocol.metrics.IntervalReport;
import io.barrage.protocol.metrics.TrafficReport;
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
 *
 * <p>Reading is bounded: the bytes come from whoever reaches the cluster port. Every length read
 * from the wire (list and map sizes, string and byte-array lengths) is checked against the bytes
 * left in the message and against {@link #MAX_LENGTH} before anything is allocated, nesting is
 * capped at {@link #MAX_DEPTH}, and class names are never read (ids only). A violation is a
 * {@link com.esotericsoftware.kryo.KryoException}, which the codec turns into an
 * {@link IllegalArgumentException}: Pekko drops that one message and logs it.
 */
public final class WireRegistry {

  /** Pekko serializer identifier of {@link KryoWireSerializer} (0..40 are Pekko's own). */
  public static final int SERIALIZER_ID = 7401;

  /**
   * Deepest nesting of objects a message may have. The deepest real message (an interval report's
   * histogram map inside the report inside the message) is 5 levels; nothing in the protocol nests
   * lists in lists, so 16 leaves room for additions while keeping a hostile message's recursion
   * thousands of frames away from the thread's stack limit.
   */
  public static final int MAX_DEPTH = 16;

  /**
   * Largest element count, string length or byte-array length read from the wire. A length is
   * also never more than the bytes left in the message (every element takes at least one byte), so
   * with Artery's 1 MiB frame this cap only matters when the codec decodes something bigger.
   */
  public static final int MAX_LENGTH = 16 * 1024 * 1024;

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
          new Entry(126, Load.Ramp.class),
          new Entry(127, Load.Stage.class),
          new Entry(130, UnreachableSpan.class),
          new Entry(131, Load.Trace.class),
          new Entry(132, TrafficReport.class),
          new Entry(133, OrderKey.class),
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
    kryo.setMaxDepth(MAX_DEPTH);
    kryo.register(String.class, new BoundedStringSerializer());
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
    if (type == byte[].class) return new BoundedByteArraySerializer();
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

    /** Registration is required, so a class name on the wire is never legitimate: refuse it unread. */
    @Override
    protected Registration readName(Input in) {
      throw new KryoException("class names are not accepted on the wire (registered ids only)");
    }
  }

  /**
   * A length just read from the wire, checked before it sizes an allocation.
   *
   * @param minBytesEach the fewest bytes one element takes on the wire
   */
  static int checkedLength(Input in, int declared, int minBytesEach, String what) {
    long left = in.limit() - in.position();
    if (declared < 0 || declared > MAX_LENGTH || (long) declared * minBytesEach > left) {
      throw new KryoException(what + " declares " + Integer.toUnsignedString(declared) + " elements but "
          + left + " bytes are left (cap " + MAX_LENGTH + ")");
    }
    return declared;
  }

  /** Reads a Kryo string after checking its declared length (ASCII strings end at a marker byte). */
  static String readString(Input in) {
    if (!in.readVarIntFlag()) return in.readString(); // ASCII: scanned up to its end marker, no length
    int start = in.position();
    int lengthPlusOne = in.readVarIntFlag(true);
    if (lengthPlusOne > 1) checkedLength(in, lengthPlusOne - 1, 1, "string");
    in.setPosition(start);
    return in.readString();
  }

  /** Strings as Kryo writes them; reading checks the declared length first. */
  private static final class BoundedStringSerializer extends Serializer<String> {
    BoundedStringSerializer() {
      setImmutable(true);
      setAcceptsNull(true);
    }

    @Override
    public void write(Kryo kryo, Output out, String s) {
      out.writeString(s);
    }

    @Override
    public String read(Kryo kryo, Input in, Class<? extends String> type) {
      return readString(in);
    }
  }

  /** Byte arrays (encoded histograms) as length + 1 then the bytes; the length is checked first. */
  private static final class BoundedByteArraySerializer extends Serializer<byte[]> {
    BoundedByteArraySerializer() {
      setAcceptsNull(true);
    }

    @Override
    public void write(Kryo kryo, Output out, byte[] bytes) {
      if (bytes == null) {
        out.writeVarInt(0, true);
        return;
      }
      out.writeVarInt(bytes.length + 1, true);
      out.writeBytes(bytes);
    }

    @Override
    public byte[] read(Kryo kryo, Input in, Class<? extends byte[]> type) {
      int lengthPlusOne = in.readVarInt(true);
      if (lengthPlusOne == 0) return null;
      return in.readBytes(checkedLength(in, lengthPlusOne - 1, 1, "byte array"));
    }

    @Override
    public byte[] copy(Kryo kryo, byte[] original) {
      return original.clone();
    }
  }

  /** Lists travel as their elements and come back unmodifiable. */
  private static final class ListSerializer extends Serializer<List<?>> {
    ListSerializer() {
      setImmutable(true);
    }

    @Override
    public void write(Kryo kryo, Output out, List<?> list) {
      out.writeVarInt(list.size(), true);
      for (Object o : list) kryo.writeClassAndObject(out, o);
    }

    @Override
    public List<?> read(Kryo kryo, Input in, Class<? extends List<?>> type) {
      int n = checkedLength(in, in.readVarInt(true), 1, "list");
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
    public void write(Kryo kryo, Output out, Map<?, ?> map) {
      out.writeVarInt(map.size(), true);
      for (Map.Entry<?, ?> e : map.entrySet()) {
        kryo.writeClassAndObject(out, e.getKey());
        kryo.writeClassAndObject(out, e.getValue());
      }
    }

    @Override
    public Map<?, ?> read(Kryo kryo, Input in, Class<? extends Map<?, ?>> type) {
      int n = checkedLength(in, in.readVarInt(true), 2, "map");
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
    public void write(Kryo kryo, Output out, ActorRef<?> ref) {
      out.writeString(resolver.get().toSerializationFormat(ref));
    }

    @Override
    public ActorRef<?> read(Kryo kryo, Input in, Class<? extends ActorRef<?>> type) {
      String path = readString(in);
      if (path == null) throw new KryoException("actor ref without a path");
      return resolver.get().resolveActorRef(path);
    }
  }
}
