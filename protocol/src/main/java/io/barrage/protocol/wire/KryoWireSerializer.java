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
 *
 * <p>Inbound bytes are untrusted: whatever cannot be decoded within {@link WireRegistry}'s limits
 * is an {@link IllegalArgumentException}. Pekko's Artery treats a non-fatal exception from a
 * serializer as one undeliverable message: it logs it (sender address, serializer id) and drops it,
 * and the node carries on. Decoding never allocates more than the message's own size warrants and
 * never recurses deeper than {@link WireRegistry#MAX_DEPTH}, so no {@code OutOfMemoryError} or
 * {@code StackOverflowError} (fatal errors, which make Pekko exit the JVM) can come out of it.
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

    /**
     * Decodes one message.
     *
     * @throws IllegalArgumentException for anything that is not a well-formed message within the
     *     limits (the message is to be dropped)
     */
    public WireMessage decode(byte[] bytes) {
      Kryo kryo = pool.obtain();
      boolean clean = false;
      try {
        Object o = kryo.readClassAndObject(new Input(bytes));
        clean = true;
        if (!(o instanceof WireMessage m)) {
          throw new IllegalArgumentException("payload is not a barrage wire message: " + (o == null ? "null" : o.getClass().getName()));
        }
        return m;
      } catch (IllegalArgumentException e) {
        throw e;
      } catch (KryoException e) {
        throw new IllegalArgumentException("cannot decode barrage wire message (" + bytes.length + " bytes): " + e.getMessage(), e);
      } catch (RuntimeException e) {
        // a record constructor refusing a value, an actor path Pekko cannot parse, ...
        throw new IllegalArgumentException("cannot decode barrage wire message (" + bytes.length + " bytes): " + e, e);
      } finally {
        if (clean) pool.free(kryo); // an instance that failed mid-read may hold state: drop it
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
