package io.barrage.simulator;

import io.barrage.simulator.engine.Engine;
import io.barrage.simulator.http.SimHttpServer;
import io.barrage.simulator.http.SimulatorRoutes;
import io.barrage.simulator.tls.ServerTls;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated LLM server: an HTTP/1.1 front end ({@link SimHttpServer}: event loops that read
 * requests and write every response, streamed token events included), its routes
 * ({@link SimulatorRoutes}), one {@link Engine} behind them, and the ground truth ({@link TruthLog}).
 */
public final class SimulatorServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SimulatorServer.class);
  /** TGI's --payload-limit default. */
  private static final int MAX_BODY = 2_000_000;
  /** Event loops: one per core (they render and write the token events), at most four. */
  private static final int LOOPS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

  private final SimulatorConfig config;
  private final Engine engine;
  private final SimulatorStats stats;
  private final TruthLog truth;
  private final SimHttpServer http;
  private final ServerTls tls;

  private SimulatorServer(SimulatorConfig config, ServerTls tls) {
    this.config = config;
    this.tls = tls;
    Profile profile = config.profile();
    this.truth = new TruthLog(config.truthLogFile(), config.truthInMemory());
    this.engine = new Engine(profile, "sim-engine-" + profile.name(), config.realtimeClock());
    this.stats = new SimulatorStats(engine, profile.limits().maxConcurrentRequests());
    java.util.concurrent.ScheduledThreadPoolExecutor timer = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "sim-keepalive-" + profile.name());
      t.setDaemon(true);
      return t;
    });
    timer.setRemoveOnCancelPolicy(true);
    this.keepAlives = timer;
    this.routes = new SimulatorRoutes(profile, engine, stats, truth, timer, config.seed(), config.apiKey(), config.metricsNames(),
        config.dcgmPods());
    try {
      this.http = new SimHttpServer(config.host(), config.port(), LOOPS, config.ioNice(), config.realtimeIo(), MAX_BODY, config.connections(), routes, new SimHttpServer.Listener() {
        @Override public void opened() { stats.connectionOpened(); }

        @Override public void closed() { stats.connectionClosed(); }

        @Override public void pass(long nanos) { stats.loopPass(nanos); }
      }, tls);
    } catch (IOException e) {
      engine.close();
      timer.shutdownNow();
      truth.close();
      throw new IllegalStateException("cannot bind the simulator to " + config.host() + ":" + config.port() + ": "
          + e.getMessage(), e);
    }
    engine.afterEmit(http::flush);
    if (config.truthLogFile() != null) timer.scheduleWithFixedDelay(truth::flush, 200, 200, java.util.concurrent.TimeUnit.MILLISECONDS);
    log.info("simulator '{}' listening on {}{}", profile.name(), baseUrl(),
        config.apiKey() == null ? "" : " (generation routes require a bearer token)");
  }

  private final java.util.concurrent.ScheduledExecutorService keepAlives;
  private final SimulatorRoutes routes;

  /**
   * Serves the templated tokenize routes or not (on by default). Off, the server is an older one
   * without them: {@code /chat_tokenize} and {@code /apply-template} answer 404 and {@code /tokenize}
   * refuses {@code messages} (422), as a client that asks for a chat template must expect.
   */
  public void templatedTokenize(boolean on) {
    routes.templatedTokenize(on);
  }

  /** Starts a server and blocks until it is bound. Port 0 binds an ephemeral port. */
  public static SimulatorServer start(SimulatorConfig config) {
    return new SimulatorServer(config, null);
  }

  /** Like {@link #start(SimulatorConfig)}, serving https with {@code tls} (plain http when null). */
  public static SimulatorServer start(SimulatorConfig config, ServerTls tls) {
    return new SimulatorServer(config, tls);
  }

  public int port() {
    return http.port();
  }

  public String host() {
    return config.host();
  }

  /** {@code http://HOST:PORT} ({@code https://} when serving TLS), with IPv6 hosts bracketed. */
  public String baseUrl() {
    String h = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
    return (tls == null ? "http://" : "https://") + h + ":" + port();
  }

  /** The TLS identity when serving https, else null. */
  public ServerTls tls() {
    return tls;
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

  /** Stops accepting, closes open connections, stops the engine. */
  @Override
  public void close() {
    http.close();
    engine.close();
    keepAlives.shutdownNow();
    truth.close();
  }
}
