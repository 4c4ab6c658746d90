package io.barrage.simulator.http;

import io.barrage.simulator.Profile;
import io.barrage.simulator.SimulatorStats;
import io.barrage.simulator.TruthLog;
import io.barrage.simulator.engine.Engine;
import io.barrage.simulator.telemetry.StackMetrics;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The HTTP surface of one simulated server, by path: TGI's native routes ({@link TgiRoutes}), its
 * OpenAI-compatible routes ({@link OpenAiRoutes}) and its describing routes ({@link InfoRoutes}),
 * {@code POST /tokenize} ({@link TokenizeRoute}), or, for a FastAPI profile, the naive server's ({@link FastapiRoutes}). Every generation route
 * goes through {@link Generations} to the {@link Engine}; unknown paths get 404 with an empty body.
 */
public final class SimulatorRoutes implements SimHttpServer.Handler {
  private final FastapiRoutes fastapi;
  private final TgiRoutes tgi;
  private final OpenAiRoutes openAi;
  private final InfoRoutes info;
  private final TelemetryRoutes telemetry;
  private final TokenizeRoute tokenize;
  private volatile boolean templatedTokenize = true;

  /**
   * @param timer runs keep-alive comments on silent streams (one thread is plenty)
   */
  public SimulatorRoutes(Profile profile, Engine engine, SimulatorStats stats, TruthLog truth,
      ScheduledExecutorService timer, long seed) {
    this(profile, engine, stats, truth, timer, seed, null);
  }

  /**
   * @param timer runs keep-alive comments on silent streams (one thread is plenty)
   * @param apiKey when not null, generation routes require {@code Authorization: Bearer <apiKey>}
   */
  public SimulatorRoutes(Profile profile, Engine engine, SimulatorStats stats, TruthLog truth,
      ScheduledExecutorService timer, long seed, String apiKey) {
    this(profile, engine, stats, truth, timer, seed, apiKey, null);
  }

  /**
   * @param timer runs keep-alive comments on silent streams (one thread is plenty)
   * @param apiKey when not null, generation routes require {@code Authorization: Bearer <apiKey>}
   * @param metricsNames whose names {@code GET /metrics} serves; null: the profile's own (TGI's, or none for FastAPI)
   */
  public SimulatorRoutes(Profile profile, Engine engine, SimulatorStats stats, TruthLog truth,
      ScheduledExecutorService timer, long seed, String apiKey, StackMetrics metricsNames) {
    this(profile, engine, stats, truth, timer, seed, apiKey, metricsNames, java.util.List.of());
  }

  /** @param dcgmPods the pod holding each simulated GPU, as {@code GET /dcgm/metrics} labels it ({@code SimulatorConfig#dcgmPods}) */
  public SimulatorRoutes(Profile profile, Engine engine, SimulatorStats stats, TruthLog truth,
      ScheduledExecutorService timer, long seed, String apiKey, StackMetrics metricsNames, java.util.List<String> dcgmPods) {
    this.telemetry = new TelemetryRoutes(profile, stats, engine, metricsNames, dcgmPods);
    Generations core = new Generations(profile, engine, stats, truth, timer, seed, apiKey);
    this.fastapi = profile.api() == Profile.Api.FASTAPI ? new FastapiRoutes(core) : null;
    this.tgi = new TgiRoutes(core);
    this.openAi = new OpenAiRoutes(core);
    this.info = new InfoRoutes(profile, stats, engine);
    this.tokenize = new TokenizeRoute(core);
  }

  /** Serves the templated tokenize routes or not ({@code SimulatorServer#templatedTokenize}). */
  public void templatedTokenize(boolean on) {
    templatedTokenize = on;
  }

  @Override
  public void handle(Exchange ex) {
    long arrival = ex.arrivalNanos();
    if (telemetry.handle(ex)) return;
    if (fastapi != null) {
      fastapi.handle(ex, arrival);
      return;
    }
    String path = ex.path();
    boolean post = ex.method().equals("POST");
    switch (path) {
      case "/generate" -> {
        if (post) tgi.generate(ex, arrival);
        else Reply.empty(405).send(ex);
      }
      case "/generate_stream" -> {
        if (post) tgi.generateStream(ex, arrival);
        else Reply.empty(405).send(ex);
      }
      case "/v1/chat/completions" -> {
        if (post) openAi.chat(ex, arrival);
        else Reply.empty(405).send(ex);
      }
      case "/v1/completions" -> {
        if (post) openAi.completions(ex, arrival);
        else Reply.empty(405).send(ex);
      }
      case "/" -> {
        if (post) tgi.compat(ex, arrival);
        else info.handle(ex, path);
      }
      case "/tokenize" -> {
        if (post) tokenize.handle(ex, templatedTokenize);
        else Reply.empty(405).send(ex);
      }
      case "/chat_tokenize" -> {
        if (!templatedTokenize) Reply.empty(404).send(ex);
        else if (post) tokenize.chatTokenize(ex);
        else Reply.empty(405).send(ex);
      }
      case "/apply-template" -> {
        if (!templatedTokenize) Reply.empty(404).send(ex);
        else if (post) tokenize.applyTemplate(ex);
        else Reply.empty(405).send(ex);
      }
      case "/health", "/ping", "/info", "/metrics", "/v1/models" -> info.handle(ex, path);
      default -> Reply.empty(404).send(ex);
    }
  }
}
