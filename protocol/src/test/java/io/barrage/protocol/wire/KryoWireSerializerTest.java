package io.barrage.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.barrage.protocol.metrics.ErrorClass;
import io.barrage.protocol.metrics.Histograms;
import io.barrage.protocol.metrics.IntervalCounters;
import io.barrage.protocol.metrics.IntervalReport;
import io.barrage.protocol.metrics.Metric;
import io.barrage.protocol.plan.CellSpec;
import io.barrage.protocol.plan.Load;
import io.barrage.protocol.plan.LoadShare;
import io.barrage.protocol.scenario.Arrivals;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KryoWireSerializerTest {

  private static ActorTestKit testKit;
  private static KryoWireSerializer.WireCodec codec;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("wire-test");
    codec = new KryoWireSerializer.WireCodec(() -> ActorRefResolver.get(testKit.system()));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** Every concrete class under the sealed root, found by walking getPermittedSubclasses. */
  static List<Class<?>> leaves(Class<?> c) {
    List<Class<?>> out = new ArrayList<>();
    if (c.isSealed()) {
      for (Class<?> p : c.getPermittedSubclasses()) out.addAll(leaves(p));
    } else {
      out.add(c);
    }
    return out;
  }

  @Test
  void everyMessageOfTheSealedHierarchyIsRegisteredAndRoundTrips() {
    List<Class<?>> messages = leaves(WireMessage.class);
    assertThat(messages).hasSizeGreaterThanOrEqualTo(9);
    Set<Class<?>> registered = WireRegistry.entries().stream().map(WireRegistry.Entry::type).collect(Collectors.toSet());
    for (Class<?> type : messages) {
      assertThat(registered).as("registered: " + type.getName()).contains(type);
      Object sample = sample(type, null);
      WireMessage back = codec.decode(codec.encode((WireMessage) sample));
      assertThat(back).as(type.getSimpleName()).isInstanceOf(type);
      assertThat(back).as(type.getSimpleName()).usingRecursiveComparison().isEqualTo(sample);
    }
  }

  @Test
  void registrationIdsAreUniqueAndFixed() {
    List<Integer> ids = WireRegistry.entries().stream().map(WireRegistry.Entry::id).toList();
    assertThat(ids).doesNotHaveDuplicates();
    assertThat(WireRegistry.entries()).contains(new WireRegistry.Entry(301, CoordinatorProtocol.Interval.class));
  }

  @Test
  void anIntervalReportKeepsItsHistogramsBitForBit() {
    Histogram h = Histograms.create();
    for (int i = 1; i <= 1000; i++) h.recordValue(i * 37L);
    var counters = new IntervalCounters(3, 2, Map.of(ErrorClass.RESET, 1L), Map.of(503, 1L), 200, 200, 0, 0, 4, 0, 10, 20,
        1, java.util.List.of(new io.barrage.protocol.metrics.UnreachableSpan(1000, 1500, 7)),
        Map.of(ErrorClass.CONNECT, java.util.List.of("Connection refused")), 2, 180);
    var report = new IntervalReport("w1", "t/m128/c10", 3, 1000, 2000, Map.of(Metric.TTFT, Histograms.encode(h)), counters, true);
    var msg = new CoordinatorProtocol.Interval("run-1", report, testKit.createTestProbe(WorkerProtocol.Command.class).getRef(), OrderKey.random());
    var back = (CoordinatorProtocol.Interval) codec.decode(codec.encode(msg));
    assertThat(Histograms.decode(back.report().histograms().get(Metric.TTFT))).isEqualTo(h);
    assertThat(back.report().counters()).isEqualTo(counters);
    assertThat(back.key()).isEqualTo(msg.key());
    assertThat(back.key().matches(msg.key())).isTrue();
  }

  @Test
  void anUnregisteredClassIsRefused() {
    record Smuggled(String payload) {}
    ActorRef<CoordinatorProtocol.Event> ref = testKit.createTestProbe(CoordinatorProtocol.Event.class).getRef();
    var ping = new WorkerProtocol.ClockPing(1, ref);
    assertThat(codec.decode(codec.encode(ping))).isEqualTo(ping);
    // a class outside the table is refused at the top level ...
    var kryo = WireRegistry.newKryo(() -> ActorRefResolver.get(testKit.system()));
    assertThatThrownBy(() -> kryo.writeClassAndObject(new com.esotericsoftware.kryo.io.Output(64, -1), new Smuggled("x")))
        .hasMessageContaining("Class is not registered");
    // ... and nested inside a registered message
    var counters = new IntervalCounters(0, 0, Map.of(), Map.of(), 0, 0, 0, 0, 0, 0, -1, -1);
    @SuppressWarnings({"unchecked", "rawtypes"})
    Map<Metric, byte[]> smuggling = (Map) Map.of(Metric.TTFT, new Smuggled("x"));
    var report = new IntervalReport("w", "c", 0, 0, 0, smuggling, counters, false);
    assertThatThrownBy(() -> codec.encode(new CoordinatorProtocol.Interval("r", report, null, null)))
        .hasMessageContaining("not registered");
  }

  @Test
  void pekkoPicksTheKryoSerializerForWireMessagesAndRoundTripsThem() {
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    var msg = new WorkerProtocol.ReportAck("run", "cell", 7, OrderKey.random());
    var serializer = serialization.findSerializerFor(msg);
    assertThat(serializer).isInstanceOf(KryoWireSerializer.class);
    byte[] bytes = serialization.serialize(msg).get();
    assertThat(serialization.deserialize(bytes, serializer.identifier(), "").get()).isEqualTo(msg);
  }

  // --- sample values, by type -------------------------------------------------------------------

  private Object sample(Type t, Type hint) {
    Class<?> c = raw(t);
    if (c == String.class) return "s-" + c.getSimpleName();
    if (c == int.class || c == Integer.class) return 7;
    if (c == long.class || c == Long.class) return 1_234_567_890_123L;
    if (c == double.class || c == Double.class) return 2.5;
    if (c == boolean.class || c == Boolean.class) return true;
    if (c == byte[].class) return Histograms.encode(histogram());
    if (c.isEnum()) return c.getEnumConstants()[c.getEnumConstants().length - 1];
    if (c == ActorRef.class) return testKit.createTestProbe(Object.class).getRef();
    if (c == IntervalReport.class) {
      Map<Metric, byte[]> hs = new EnumMap<>(Metric.class);
      hs.put(Metric.TTFT, Histograms.encode(histogram()));
      hs.put(Metric.ITL, Histograms.encode(histogram()));
      return new IntervalReport("w", "cell", 2, 10, 20, hs,
          new IntervalCounters(1, 2, Map.of(ErrorClass.HTTP_STATUS, 3L), Map.of(429, 3L), 4, 5, 6, 7, 8, 9, 10, 11), true);
    }
    if (c == CellSpec.class) return new CellSpec(3, "t/m128/r2.5", "t", 128, new Load.Rate(2.5, Arrivals.POISSON), 1);
    if (c == Load.class) return new Load.Concurrency(300);
    if (c == LoadShare.class) return new LoadShare(43, 86, 2, 7, 100);
    if (c.isRecord()) {
      RecordComponent[] comps = c.getRecordComponents();
      Object[] args = new Object[comps.length];
      Class<?>[] types = new Class<?>[comps.length];
      for (int i = 0; i < comps.length; i++) {
        args[i] = sample(comps[i].getGenericType(), null);
        types[i] = comps[i].getType();
      }
      try {
        return c.getDeclaredConstructor(types).newInstance(args);
      } catch (ReflectiveOperationException e) {
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("the test has no sample for " + t + " (add one)");
  }

  private static Class<?> raw(Type t) {
    if (t instanceof Class<?> c) return c;
    if (t instanceof ParameterizedType p) return (Class<?>) p.getRawType();
    throw new AssertionError("unsupported type " + t);
  }

  private static Histogram histogram() {
    Histogram h = Histograms.create();
    for (int i = 1; i < 100; i++) h.recordValue(i * 1_000L);
    return h;
  }
}
