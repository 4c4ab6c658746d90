package io.barrage.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.esotericsoftware.kryo.io.Output;
import io.barrage.protocol.metrics.ErrorClass;
import io.barrage.protocol.metrics.Histograms;
import io.barrage.protocol.metrics.IntervalCounters;
import io.barrage.protocol.metrics.IntervalReport;
import io.barrage.protocol.metrics.Metric;
import io.barrage.protocol.plan.CellSpec;
import io.barrage.protocol.plan.Load;
import io.barrage.protocol.plan.LoadShare;
import io.barrage.protocol.scenario.Arrivals;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bytes an attacker on the cluster network can send: every one is refused with an
 * {@link IllegalArgumentException} (Pekko drops the message), none with an Error that would make
 * Pekko exit the JVM, and the codec keeps decoding good messages afterwards.
 */
class HostileWireBytesTest {

  /** Kryo writes a registered class as its id + 2 (0 is null, 1 a class name). */
  private static final int LIST = 101 + 2, MAP = 102 + 2, BYTES = 100 + 2, STRING = 1 + 2, ACTOR_REF = 103 + 2;

  private static ActorTestKit testKit;
  private static KryoWireSerializer.WireCodec codec;

  @BeforeAll
  static void start() {
    testKit = ActorTestKit.create("hostile-wire-test");
    codec = new KryoWireSerializer.WireCodec(() -> ActorRefResolver.get(testKit.system()));
  }

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static byte[] varints(int... values) {
    Output out = new Output(64, -1);
    for (int v : values) out.writeVarInt(v, true);
    return out.toBytes();
  }

  /** Decoding is refused with an IllegalArgumentException (not an Error) and the codec still works. */
  private static void assertRefused(String what, byte[] bytes) {
    assertThatThrownBy(() -> codec.decode(bytes)).as(what).isExactlyInstanceOf(IllegalArgumentException.class);
    assertStillDecodes();
  }

  private static void assertStillDecodes() {
    var ack = new WorkerProtocol.ReportAck("run", "cell", 7, new OrderKey(1, 2));
    assertThat(codec.decode(codec.encode(ack))).isEqualTo(ack);
  }

  @Test
  void sixBytesDeclaringAListOfTwoBillionElementsAreRefused() {
    byte[] six = varints(LIST, Integer.MAX_VALUE);
    assertThat(six).hasSize(6);
    assertRefused("list of 2^31-1", six);
  }

  @Test
  void hugeMapsStringsAndByteArraysAreRefusedBeforeAnythingIsAllocated() {
    Output map = new Output(16, -1);
    map.writeVarInt(MAP, true);
    map.writeVarInt(1 << 29, true);
    for (String keyOrValue : List.of("k", "v")) {
      map.writeVarInt(STRING, true);
      map.writeString(keyOrValue);
    }
    assertRefused("map of 2^29 entries", map.toBytes());
    // a UTF-8 string: flag bit set on the first byte of the length, length + 1
    Output s = new Output(16, -1);
    s.writeVarInt(STRING, true);
    s.writeVarIntFlag(true, Integer.MAX_VALUE, true);
    s.writeByte(0xC3);
    assertRefused("string of 2^31-2 chars", s.toBytes());
    assertRefused("byte array of 2^31-2", varints(BYTES, Integer.MAX_VALUE, 1, 2, 3));
    // a length that is small but more than the bytes left
    assertRefused("list of 100 with 3 left", varints(LIST, 100, 0, 0, 0));
    Output ref = new Output(16, -1);
    ref.writeVarInt(ACTOR_REF, true);
    ref.writeVarIntFlag(true, 1_000_000, true);
    assertRefused("actor path of a million chars", ref.toBytes());
  }

  @Test
  void deepNestingIsRefusedWithoutAStackOverflow() {
    int depth = 400_000;
    Output out = new Output(2 * depth + 8, -1);
    for (int i = 0; i < depth; i++) {
      out.writeVarInt(LIST, true);
      out.writeVarInt(1, true);
    }
    out.writeVarInt(0, true);
    assertRefused("400,000 nested lists", out.toBytes());
    // just over the cap is refused too, just under it decodes (as a list, which is not a message)
    assertThatThrownBy(() -> codec.decode(nested(WireRegistry.MAX_DEPTH + 1)))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("depth");
    assertThatThrownBy(() -> codec.decode(nested(WireRegistry.MAX_DEPTH - 1)))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a barrage wire message");
  }

  private static byte[] nested(int levels) {
    Output out = new Output(64, -1);
    for (int i = 0; i < levels; i++) {
      out.writeVarInt(LIST, true);
      out.writeVarInt(1, true);
    }
    out.writeVarInt(0, true);
    return out.toBytes();
  }

  @Test
  void aClassNameOnTheWireIsRefusedUnread() {
    Output out = new Output(64, -1);
    out.writeVarInt(1, true); // NAME + 2
    out.writeVarInt(1, true); // name id
    out.writeString("java.util.concurrent.ConcurrentHashMap");
    assertRefused("class by name", out.toBytes());
  }

  @Test
  void everyTruncationOfEveryRealMessageIsRefused() {
    for (WireMessage m : realMessages()) {
      byte[] whole = codec.encode(m);
      for (int n = 0; n < whole.length; n++) {
        byte[] cut = java.util.Arrays.copyOf(whole, n);
        assertThatThrownBy(() -> codec.decode(cut))
            .as(m.getClass().getSimpleName() + " cut to " + n + " of " + whole.length)
            .isExactlyInstanceOf(IllegalArgumentException.class);
      }
      assertThat(codec.decode(whole)).usingRecursiveComparison().isEqualTo(m);
    }
  }

  @Test
  void randomBytesAndCorruptedMessagesNeverEscapeAsAnythingButARefusal() {
    SplittableRandom random = new SplittableRandom(12);
    List<byte[]> real = realMessages().stream().map(codec::encode).toList();
    int decoded = 0, refused = 0;
    for (int i = 0; i < 5_000; i++) {
      byte[] bytes;
      if (i % 2 == 0) {
        bytes = new byte[random.nextInt(1, 64)];
        random.nextBytes(bytes);
        bytes[0] = (byte) random.nextInt(STRING, ACTOR_REF + 220); // start at a registered id half the time
      } else {
        bytes = real.get(random.nextInt(real.size())).clone();
        for (int k = random.nextInt(1, 4); k > 0; k--) bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
      }
      try {
        assertThat(codec.decode(bytes)).isNotNull();
        decoded++;
      } catch (IllegalArgumentException refusal) {
        refused++;
      } catch (Throwable other) {
        throw new AssertionError("input " + i + " escaped as " + other, other);
      }
    }
    assertThat(decoded + refused).isEqualTo(5_000);
    assertThat(refused).isGreaterThan(2_500);
    assertStillDecodes();
  }

  @Test
  void aHistogramWhoseHeaderDeclaresAHugeRangeOrPayloadIsRefused() {
    // a real histogram of another range: HdrHistogram would size its counts from that header
    Histogram wide = new Histogram(1, Long.MAX_VALUE / 2, 5);
    wide.recordValue(1000);
    ByteBuffer buf = ByteBuffer.allocate(wide.getNeededByteBufferCapacity());
    int n = wide.encodeIntoCompressedByteBuffer(buf);
    byte[] bytes = java.util.Arrays.copyOf(buf.array(), n);
    assertThatThrownBy(() -> Histograms.decode(bytes)).isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not barrage's");
    // barrage's own range with a payload length of 2 GB in the header
    byte[] header = new byte[40];
    ByteBuffer h = ByteBuffer.wrap(header);
    h.putInt(0x1c849303).putInt(Integer.MAX_VALUE).putInt(0).putInt(Histograms.DIGITS)
        .putLong(Histograms.LOWEST_US).putLong(Histograms.HIGHEST_US).putDouble(1.0);
    java.util.zip.Deflater deflater = new java.util.zip.Deflater();
    deflater.setInput(header);
    deflater.finish();
    byte[] z = new byte[128];
    int zn = deflater.deflate(z);
    deflater.end();
    ByteBuffer hostile = ByteBuffer.allocate(8 + zn).putInt(0x1c849304 | 0x10).putInt(zn).put(z, 0, zn);
    assertThatThrownBy(() -> Histograms.decode(hostile.array())).isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("payload");
    // and a real one still decodes
    Histogram ok = Histograms.create();
    ok.recordValue(1234);
    assertThat(Histograms.decode(Histograms.encode(ok))).isEqualTo(ok);
  }

  private static List<WireMessage> realMessages() {
    var probe = testKit.createTestProbe(CoordinatorProtocol.Event.class).getRef();
    var worker = testKit.createTestProbe(WorkerProtocol.Command.class).getRef();
    Histogram h = Histograms.create();
    for (int i = 1; i < 50; i++) h.recordValue(i * 100L);
    var counters = new IntervalCounters(3, 2, Map.of(ErrorClass.RESET, 1L), Map.of(503, 1L), 200, 200, 0, 0, 4, 0, 10, 20);
    var report = new IntervalReport("w1", "t/m128/c10", 3, 1000, 2000, Map.of(Metric.TTFT, Histograms.encode(h)), counters, true);
    List<WireMessage> out = new ArrayList<>();
    out.add(new WorkerProtocol.ClockPing(1, probe));
    out.add(new WorkerProtocol.StartStep("run-1", "w1", "name: x\ntargets: []\n", "", new CellSpec(0, "t/m1/c1", "t", 1,
        new Load.Rate(2.5, Arrivals.POISSON), 1), new LoadShare(1, 2, 3, 4, 5), 123L, probe, OrderKey.random()));
    out.add(new WorkerProtocol.ReportAck("run-1", "cell", 7, OrderKey.random()));
    out.add(new CoordinatorProtocol.Interval("run-1", report, worker, OrderKey.random()));
    out.add(new CoordinatorProtocol.StepFailed("run-1", "w1", "c", "reason é", worker, OrderKey.random()));
    out.add(new CoordinatorProtocol.ClockPong(1, 2, worker, OrderKey.random()));
    out.add(new CoordinatorProtocol.WorkerLeaving(worker, OrderKey.random()));
    return out;
  }
}
