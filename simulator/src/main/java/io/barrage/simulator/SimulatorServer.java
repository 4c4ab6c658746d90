package io.barrage.simulator;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.barrage.simulator.engine.Engine;
import io.barrage.simulator.http.SimulatorRoutes;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.IncomingConnection;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated LLM server on its own ActorSystem: Pekko HTTP in front, one {@link Engine} behind.
 * The HTTP server settings come from {@code barrage.simulator.http} in reference.conf (long-lived
 * SSE streams: no request timeout, no idle timeout, TCP_NODELAY, a large accept backlog) and
 * apply only to this server's ActorSystem.
 */
public final class SimulatorServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SimulatorServer.class);

  private final SimulatorConfig config;
  private final ActorSystem<Void> system;
  private final Engine engine;
  private final SimulatorStats stats;
  private final TruthLog truth;
  private final ServerBinding binding;

  private SimulatorServer(SimulatorConfig config) {
    this.config = config;
    Profile profile = config.profile();
    Config base = ConfigFactory.load(SimulatorServer.class.getClassLoader());
    Config cfg = base.getConfig("barrage.simulator.system").withFallback(base);
    this.system = ActorSystem.create(Behaviors.empty(), "barrage-simulator", cfg);
    this.truth = new TruthLog(config.truthLogFile());
    this.engine = new Engine(profile, "sim-engine-" + profile.name());
    this.stats = new SimulatorStats(engine, profile.limits().maxConcurrentRequests());
    Materializer mat = Materializer.createMaterializer(system);
    SimulatorRoutes routes = new SimulatorRoutes(profile, engine, stats, truth, mat, system.executionContext(), config.seed());
    Flow<HttpRequest, HttpResponse, NotUsed> handler = Flow.of(HttpRequest.class).mapAsync(1, routes::handle);
    CompletionStage<ServerBinding> bound = Http.get(system).newServerAt(config.host(), config.port())
        .connectionSource()
        .to(Sink.foreach((IncomingConnection conn) -> {
          stats.connectionOpened();
          conn.handleWith(handler.watchTermination((nu, done) -> {
            done.whenComplete((d, e) -> stats.connectionClosed());
            return nu;
          }), mat);
        }))
        .run(mat);
    try {
      this.binding = bound.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      close();
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalStateException("cannot bind the simulator to " + config.host() + ":" + config.port() + ": "
          + cause.getMessage(), cause);
    }
    log.info("simulator '{}' listening on {}", profile.name(), baseUrl());
  }

  /** Starts a server and blocks until it is bound. Port 0 binds an ephemeral port. */
  public static SimulatorServer start(SimulatorConfig config) {
    return new SimulatorServer(config);
  }

  public int port() {
    return binding.localAddress().getPort();
  }

  public String host() {
    return config.host();
  }

  /** {@code http://HOST:PORT}, with IPv6 hosts bracketed. */
  public String baseUrl() {
    String h = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
    return "http://" + h + ":" + port();
  }

  public Profile profile() {
    return config.profile();
  }

  public SimulatorStats stats() {
    return stats;
  }

  public TruthLog truth() {
    return truth;
  }

  /** Unbinds, ends open streams, stops the engine and the ActorSystem. */
  @Override
  public void close() {
    try {
      if (binding != null) binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.debug("unbind: {}", e.toString());
    }
    if (engine != null) engine.close();
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.debug("terminate: {}", e.toString());
    }
    truth.close();
  }

}
