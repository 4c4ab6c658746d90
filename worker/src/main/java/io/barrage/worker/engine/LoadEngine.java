package io.barrage.worker.engine;

import io.barrage.common.prometheus.LatencyBuckets;
import io.barrage.worker.client.NioHttpClient;
import io.barrage.worker.client.RequestTrace;
import io.barrage.worker.client.Transport;
import io.barrage.worker.prompt.Tokenizers;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.pekko.actor.ActorSystem;

/**
 * One worker's load engine: runs steps (one worker's share of one cell) against a target and
 * measures them. All steps share one HTTP client: barrage's NIO client ({@link NioHttpClient}, one
 * event loop per core), for {@code http://} and {@code https://} targets alike. Usable without a
 * cluster: see {@link LocalStep} for running one step against a URL and getting the merged result.
 */
public final class LoadEngine implements AutoCloseable {
  private final EngineSettings settings;
  private final NioHttpClient nio;
  private final Set<StepRunner> running = ConcurrentHashMap.newKeySet();
  /** The worker's tokenizers, read or calibrated once and kept across steps. */
  private final Tokenizers tokenizers = new Tokenizers();
  private volatile Consumer<RequestTrace> requestListener = t -> {};
  private final LatencyBuckets sendLag = new LatencyBuckets();

  /**
   * @param system a classic ActorSystem (from a typed one: {@code Adapter.toClassic(system)}); the
   *     client's event loops stop when it terminates
   */
  public LoadEngine(ActorSystem system, EngineSettings settings) {
    this.settings = settings;
    this.nio = new NioHttpClient(settings.ioThreads(), settings.timeoutTick(), settings.connectingTimeout(),
        settings.maxSseLineBytes(), settings.maxBodyBytes(), settings.ioRealtime());
    system.registerOnTermination(nio::close);
    system.registerOnTermination(tokenizers::close);
  }

  private Transport transport(io.barrage.worker.client.ApiClient api, java.util.Optional<io.barrage.worker.client.AuthHeader> auth,
      io.barrage.protocol.scenario.Timeouts timeouts, io.barrage.protocol.scenario.TlsOptions tls, java.nio.file.Path baseDir) {
    return nio.transport(api, auth, timeouts, tls, baseDir);
  }

  /** Starts a step; it begins sending at {@code request.startAtEpochMs()}. */
  public RunningStep start(StepRequest request) {
    StepRunner[] self = new StepRunner[1];
    Consumer<RequestTrace> listener = requestListener;
    Consumer<RequestTrace> withLag = t -> {
      if (t.tSend >= 0) sendLag.record(t.tSend - t.tSched);
      listener.accept(t);
    };
    StepRunner r = new StepRunner(request, this::transport, settings, withLag, () -> running.remove(self[0]), tokenizers);
    self[0] = r;
    running.add(r);
    return r.start();
  }

  /**
   * Sees every finished request (its id, timestamps and outcome), e.g. to compare with a
   * simulator's ground truth. Called on the stream thread that finished the request: keep it cheap.
   * Applies to steps started afterwards.
   */
  public void onRequest(Consumer<RequestTrace> listener) {
    this.requestListener = listener == null ? t -> {} : listener;
  }

  /** Every request's send lag (send − intended send), warm-up included, since the engine started. */
  public LatencyBuckets.Snapshot sendLag() {
    return sendLag.snapshot();
  }

  /** Requests in flight now over every running step. */
  public int inFlight() {
    int n = 0;
    for (StepRunner r : running) n += r.inFlight();
    return n;
  }

  /** Steps (shares of cells) running now. */
  public int stepsRunning() {
    return running.size();
  }

  /** The client's event loops (lag, open connections). */
  public NioHttpClient client() {
    return nio;
  }

  public EngineSettings settings() {
    return settings;
  }

  /** Stops every running step gracefully (in-flight requests end within their timeouts). */
  @Override
  public void close() {
    for (StepRunner r : running) r.stop();
  }
}
