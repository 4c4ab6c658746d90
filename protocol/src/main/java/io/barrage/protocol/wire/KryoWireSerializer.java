package io.barrage.protocol.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.JSerializer;

/**
 * Pekko serializer for every {@link WireMessage} (bound in this module's {@code reference.conf}).
 * Kryo with registration required and the fixed ids of {@link WireRegistry}; the class id travels in
 * the payload, so no Pekko manifest is needed. Kryo instances are pooled (they are not thread-safe).
 */
public final class KryoWireSerializer extends JSerializer {

  private final WireCodec codec;

  public KryoWireSerializer(ExtendedActorSystem system) {
    this.codec = new WireCodec(() -> ActorRefResolver.get(Adapter.toTyped(system)));
  }

  @Override
  public int identifier() {
    return WireRegistry.SERIALIZER_ID;
  }

  @Override
  public boolean includeManifest() {
    return false;
  }

  @Override
  public byte[] toBinary(Object o) {
    if (!(o instanceof WireMessage m)) {
      throw new IllegalArgumentException("barrage wire serializer only handles WireMessage, not " + o.getClass().getName());
    }
    return codec.encode(m);
  }

  @Override
  public Object fromBinaryJava(byte[] bytes, Class<?> manifest) {
    return codec.decode(bytes);
  }

  /** Encoding and decoding without Pekko around it (tests, benchmarks). Thread-safe. */
  public static final class WireCodec {
    private final Pool<Kryo> pool;

    public WireCodec(java.util.function.Supplier<ActorRefResolver> resolver) {
      java.util.function.Supplier<ActorRefResolver> lazy = new Lazy<>(resolver);
      this.pool =
          new Pool<>(true, false, 64) {
            @Override
            protected Kryo create() {
              return WireRegistry.newKryo(lazy);
            }
          };
    }

    public byte[] encode(WireMessage m) {
      Kryo kryo = pool.obtain();
      try {
        Output out = new Output(256, -1);
        kryo.writeClassAndObject(out, m);
        return out.toBytes();
      } finally {
        pool.free(kryo);
      }
    }

    public WireMessage decode(byte[] bytes) {
      Kryo kryo = pool.obtain();
      try {
        Object o = kryo.readClassAndObject(new Input(bytes));
        if (!(o instanceof WireMessage m)) {
          throw new IllegalArgumentException("payload is not a barrage wire message: " + (o == null ? "null" : o.getClass().getName()));
        }
        return m;
      } catch (KryoException e) {
        throw new IllegalArgumentException("cannot decode barrage wire message: " + e.getMessage(), e);
      } finally {
        pool.free(kryo);
      }
    }
  }

  private static final class Lazy<T> implements java.util.function.Supplier<T> {
    private final java.util.function.Supplier<T> source;
    private volatile T value;

    Lazy(java.util.function.Supplier<T> source) {
      this.source = source;
    }

    @Override
    public T get() {
      T v = value;
      if (v == null) {
        v = source.get();
        value = v;
      }
      return v;
    }
  }
}
