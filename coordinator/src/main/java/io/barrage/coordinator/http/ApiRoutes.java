package io.barrage.coordinator.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.barrage.common.json.Mappers;
import io.barrage.coordinator.run.RunIntake;
import io.barrage.coordinator.run.RunStatus;
import io.barrage.coordinator.run.Runs;
import io.barrage.protocol.scenario.TargetAllowList;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

import static org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling.toEventStream;

/**
 * The coordinator's HTTP interface. Open: {@code GET /healthz}, {@code GET /ready}, {@code GET /}
 * (live page; it asks for the token and then calls the API). Behind {@code Authorization: Bearer}:
 * {@code POST /api/runs[?workers=N]} (scenario YAML or JSON; 400 lists every problem; the run waits for N
 * workers, by default the coordinator's {@code --min-workers}), {@code GET /api/runs},
 * {@code GET /api/runs/{id}}, {@code GET /api/runs/{id}/events} (SSE, one status a second until the
 * run finished), {@code DELETE /api/runs/{id}}; the result files: {@code GET /api/runs/{id}/files},
 * {@code .../files/{name}}, {@code .../archive} ({@link ResultRoutes}).
 */
public final class ApiRoutes extends AllDirectives {

  private static final ObjectMapper JSON = Mappers.strict();

  private final Runs runs;
  private final ResultRoutes results;
  private final String token;
  private final BooleanSupplier ready;
  private final Path runsDir;
  private final Path scenarioBaseDir;
  private final Supplier<String> ids;
  private final int minWorkers;
  private final String livePage;
  private final long maxScenarioBytes;
  private volatile Supplier<String> metrics;
  private volatile String metricsToken;
  private final RunIntake intake;

  /** The default of {@code barrage.coordinator.http.max-scenario-bytes}. */
  public static final long DEFAULT_MAX_SCENARIO_BYTES = 512 * 1024;

  public ApiRoutes(Runs runs, String token, BooleanSupplier ready, Path runsDir, Path scenarioBaseDir) {
    this(runs, token, ready, runsDir, scenarioBaseDir, 1);
  }

  /** @param minWorkers workers a posted run waits for unless the request says {@code ?workers=N} */
  public ApiRoutes(Runs runs, String token, BooleanSupplier ready, Path runsDir, Path scenarioBaseDir, int minWorkers) {
    this(runs, token, ready, runsDir, scenarioBaseDir, () -> UUID.randomUUID().toString().substring(0, 8), minWorkers);
  }

  ApiRoutes(Runs runs, String token, BooleanSupplier ready, Path runsDir, Path scenarioBaseDir, Supplier<String> ids) {
    this(runs, token, ready, runsDir, scenarioBaseDir, ids, 1);
  }

  ApiRoutes(Runs runs, String token, BooleanSupplier ready, Path runsDir, Path scenarioBaseDir, Supplier<String> ids, int minWorkers) {
    this(runs, token, ready, runsDir, scenarioBaseDir, ids, minWorkers, DEFAULT_MAX_SCENARIO_BYTES);
  }

  /** @param maxScenarioBytes largest request body {@code POST /api/runs} reads ({@code barrage.coordinator.http.max-scenario-bytes}) */
  public ApiRoutes(Runs runs, String token, BooleanSupplier ready, Path runsDir, Path scenarioBaseDir, int minWorkers, long maxScenarioBytes) {
    this(runs, token, ready, runsDir, scenarioBaseDir, () -> UUID.randomUUID().toString().substring(0, 8), minWorkers, maxScenarioBytes);
  }

  ApiRoutes(Runs runs, String token, BooleanSupplier ready, Path runsDir, Path scenarioBaseDir, Supplier<String> ids, int minWorkers,
      long maxScenarioBytes) {
    this.maxScenarioBytes = maxScenarioBytes;
    this.runs = runs;
    this.token = token;
    this.ready = ready;
    this.runsDir = runsDir;
    this.results = new ResultRoutes(runs, runsDir);
    this.scenarioBaseDir = scenarioBaseDir;
    this.ids = ids;
    this.minWorkers = Math.max(1, minWorkers);
    this.livePage = resource("live.html");
    this.intake = new RunIntake(runs, runsDir, scenarioBaseDir, ids, minWorkers);
  }

  /** The most workers a run may ask for ({@code ?workers=N}, a LoadTest's {@code spec.workers}). */
  public static final int MAX_WORKERS = 10_000;

  /** How these routes start runs; the coordinator's other ways in (the LoadTest controller) use the same. */
  public RunIntake intake() {
    return intake;
  }

  /**
   * Serves {@code GET /metrics}: {@code render}'s text, to a bearer of the API token or of
   * {@code metricsToken} (null: the API token only). Without this call {@code /metrics} is 404.
   */
  public ApiRoutes metrics(Supplier<String> render, String metricsToken) {
    this.metrics = render;
    this.metricsToken = metricsToken;
    return this;
  }

  /** Scenarios whose targets are outside {@code list} are refused with 400 (default: every target allowed). */
  public ApiRoutes allowTargets(TargetAllowList list) {
    intake.allowTargets(list);
    return this;
  }

  public Route routes() {
    return concat(
        path("healthz", () -> get(() -> complete("ok\n"))),
        path("ready", () -> get(() -> ready.getAsBoolean()
            ? complete("ready\n")
            : complete(StatusCodes.SERVICE_UNAVAILABLE, "not ready: the cluster is not formed yet\n"))),
        pathSingleSlash(() -> get(() -> complete(HttpEntities.create(ContentTypes.TEXT_HTML_UTF8, livePage)))),
        path("metrics", () -> get(this::metricsText)),
        pathPrefix("api", () -> authorized(this::api)));
  }

  /** {@code text/plain; version=0.0.4; charset=utf-8}: the Prometheus text format. */
  private static final ContentType PROMETHEUS_TEXT = ContentTypes.parse(io.barrage.common.prometheus.PrometheusText.CONTENT_TYPE);

  /** {@code GET /metrics}: behind the API token or the metrics token (docs/adr/0341). */
  private Route metricsText() {
    Supplier<String> render = metrics;
    if (render == null) return reject();
    return optionalHeaderValueByName("Authorization", h -> {
      if (!ApiToken.matches(token, h.orElse(null)) && !io.barrage.common.http.BearerToken.matches(metricsToken, h.orElse(null))) {
        return unauthorized();
      }
      return complete(HttpResponse.create().withEntity(HttpEntities.create(PROMETHEUS_TEXT, render.get().getBytes(StandardCharsets.UTF_8))));
    });
  }

  private Route authorized(Supplier<Route> inner) {
    return optionalHeaderValueByName("Authorization", h -> {
      if (ApiToken.matches(token, h.orElse(null))) return inner.get();
      return unauthorized();
    });
  }

  private Route unauthorized() {
    return respondWithHeader(WWWAuthenticate.create(HttpChallenge.createOAuth2("barrage")),
        () -> json(StatusCodes.UNAUTHORIZED, Map.of("error", "missing or wrong bearer token")));
  }

  private Route api() {
    return pathPrefix("runs", () -> concat(
        pathEnd(() -> concat(
            post(() -> parameterOptional("workers", workers -> scenarioBody(body -> submit(body, workers)))),
            get(() -> json(StatusCodes.OK, results.list())))),
        pathPrefix(PathMatchers.segment(), id -> concat(
            pathEnd(() -> concat(
                get(() -> withStatus(id, s -> json(StatusCodes.OK, s))),
                delete(() -> stop(id)))),
            path("events", () -> get(() -> events(id))),
            results.routes(id)))));
  }

  /**
   * The request body as text, kept only up to {@link #maxScenarioBytes}: parsing a scenario costs
   * far more than its size suggests (an 8 MB YAML comment took 20 s), so the size is checked on the
   * bytes first. A body over the cap is read on and dropped, up to {@link #DRAIN_BYTES}, so that the
   * client (which usually sends its whole body before it reads) gets the 413 rather than a reset
   * connection; one declared larger than that is refused from its head alone.
   */
  private Route scenarioBody(java.util.function.Function<String, Route> inner) {
    return extractMaterializer(mat -> extractRequestEntity(entity -> {
      long drain = Math.max(DRAIN_BYTES, maxScenarioBytes);
      java.util.OptionalLong declared = entity.getContentLengthOption();
      if (declared.isPresent() && declared.getAsLong() > drain) return tooLarge();
      var body = entity.withSizeLimit(drain).getDataBytes()
          .runFold(new CappedBody(maxScenarioBytes), CappedBody::add, mat);
      return onComplete(body, read -> {
        if (read.isFailure()) {
          Throwable e = read.failed().get();
          if (e instanceof org.apache.pekko.http.scaladsl.model.EntityStreamSizeException) return tooLarge();
          return json(StatusCodes.BAD_REQUEST, Map.of("error", "cannot read the request body: " + e.getMessage()));
        }
        if (read.get().over) return tooLarge();
        return inner.apply(read.get().bytes.decodeString(StandardCharsets.UTF_8));
      });
    }));
  }

  /** Most bytes of an oversized body read (and dropped) before answering 413. */
  static final long DRAIN_BYTES = 8L * 1024 * 1024;

  /** A body being read: its bytes while within the cap, then only the fact that it went over. */
  private static final class CappedBody {
    final long cap;
    ByteString bytes = ByteString.emptyByteString();
    boolean over;

    CappedBody(long cap) {
      this.cap = cap;
    }

    CappedBody add(ByteString more) {
      if (!over && bytes.size() + (long) more.size() > cap) {
        over = true;
        bytes = ByteString.emptyByteString();
      }
      if (!over) bytes = bytes.concat(more);
      return this;
    }
  }

  private Route tooLarge() {
    return json(StatusCodes.PAYLOAD_TOO_LARGE, Map.of("error", "scenario too large", "problems", List.of(Map.of("path", "(document)",
        "message", "a scenario posted to the API may have at most " + maxScenarioBytes
            + " bytes (barrage.coordinator.http.max-scenario-bytes, BARRAGE_MAX_SCENARIO_BYTES)"))));
  }

  private Route submit(String body, Optional<String> workersParam) {
    Integer workers = null;
    if (workersParam.isPresent()) {
      try {
        workers = Integer.parseInt(workersParam.get().strip());
      } catch (NumberFormatException e) {
        workers = 0;
      }
      if (workers < 1 || workers > MAX_WORKERS) {
        return json(StatusCodes.BAD_REQUEST, Map.of("error", "invalid query parameter",
            "problems", List.of(Map.of("path", "workers", "message", "must be a whole number from 1 to 10000, got '" + workersParam.get() + "'"))));
      }
    }
    RunIntake.Result r = intake.submit(body, workers);
    if (r instanceof RunIntake.Result.Invalid invalid) {
      List<Map<String, String>> problems = invalid.problems().stream()
          .map(p -> Map.of("path", p.path(), "message", p.message())).toList();
      return json(StatusCodes.BAD_REQUEST, Map.of("error", "invalid scenario", "problems", problems));
    }
    if (r instanceof RunIntake.Result.Busy b) {
      return json(StatusCodes.CONFLICT, Map.of("error", "a run is in progress", "activeRun", b.activeRunId()));
    }
    String id = ((RunIntake.Result.Accepted) r).runId();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", id);
    out.put("status", "/api/runs/" + id);
    out.put("events", "/api/runs/" + id + "/events");
    return json(StatusCodes.ACCEPTED, out);
  }

  private Route stop(String id) {
    if (runs.status(id).isEmpty()) {
      if (results.status(id).isPresent()) return json(StatusCodes.CONFLICT, Map.of("error", "run " + id + " already ended"));
      return json(StatusCodes.NOT_FOUND, Map.of("error", "no run " + id));
    }
    if (!runs.stop(id, "stopped through the API")) return json(StatusCodes.CONFLICT, Map.of("error", "run " + id + " already ended"));
    return json(StatusCodes.ACCEPTED, Map.of("id", id, "stopping", true));
  }

  private Route events(String id) {
    return withStatus(id, first -> {
      Source<ServerSentEvent, org.apache.pekko.NotUsed> source =
          Source.tick(Duration.ZERO, Duration.ofSeconds(1), "tick")
              .map(t -> runs.status(id).orElse(first))
              .takeWhile(s -> !s.phase().terminal(), true)
              .map(s -> ServerSentEvent.create(JSON.writeValueAsString(s), "status"))
              .keepAlive(Duration.ofSeconds(5), ServerSentEvent::heartbeat) // well inside the server's idle timeout
              .mapMaterializedValue(c -> org.apache.pekko.NotUsed.getInstance());
      return completeOK(source, toEventStream());
    });
  }

  private Route withStatus(String id, java.util.function.Function<RunStatus, Route> inner) {
    Optional<RunStatus> s = results.status(id);
    return s.isPresent() ? inner.apply(s.get()) : json(StatusCodes.NOT_FOUND, Map.of("error", "no run " + id));
  }

  private Route json(StatusCode status, Object body) {
    try {
      return complete(HttpResponse.create().withStatus(status).withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, JSON.writeValueAsString(body))));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String resource(String name) {
    try (InputStream in = ApiRoutes.class.getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("missing resource " + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
