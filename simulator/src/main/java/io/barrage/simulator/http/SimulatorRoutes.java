package io.barrage.simulator.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.barrage.simulator.Profile;
import io.barrage.simulator.SimulatorStats;
import io.barrage.simulator.TruthLog;
import io.barrage.simulator.engine.Engine;
import io.barrage.simulator.engine.GenRequest;
import io.barrage.simulator.engine.Token;
import io.barrage.simulator.engine.TokenSink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP surface of one simulated server: TGI's native and OpenAI-compatible routes, or the
 * FastAPI baseline's {@code /generate}, with TGI's framing, field names, headers and errors
 * (protocols.md). Generation requests go to the {@link Engine}; a streaming response is a
 * per-request {@link Source#queue} the engine thread offers tokens to, rendered to bytes on the
 * connection's own stream stage, where the ground-truth write time of each token is taken.
 */
public final class SimulatorRoutes {
  private static final Logger log = LoggerFactory.getLogger(SimulatorRoutes.class);
  static final String VERSION = "3.3.6-dev0";
  static final String FINGERPRINT = VERSION + "-native";
  private static final long BODY_TIMEOUT_MS = 30_000;

  private final Profile profile;
  private final Engine engine;
  private final SimulatorStats stats;
  private final TruthLog truth;
  private final Materializer mat;
  private final Executor executor;
  private final long seed;
  private final RequestParsing parsing;
  private final RequestFaultPlan faults;
  private final AtomicLong ordinal = new AtomicLong();
  private final boolean fastapi;

  public SimulatorRoutes(Profile profile, Engine engine, SimulatorStats stats, TruthLog truth, Materializer mat,
      Executor executor, long seed) {
    this.profile = profile;
    this.engine = engine;
    this.stats = stats;
    this.truth = truth;
    this.mat = mat;
    this.executor = executor;
    this.seed = seed;
    this.parsing = new RequestParsing(profile.limits());
    this.faults = new RequestFaultPlan(profile, seed);
    this.fastapi = profile.api() == Profile.Api.FASTAPI;
  }

  /** Which generation route a request hit. */
  enum Kind { GENERATE, GENERATE_STREAM, COMPAT, CHAT, COMPLETIONS, FASTAPI }

  public CompletionStage<HttpResponse> handle(HttpRequest req) {
    long arrival = System.nanoTime();
    String path = req.getUri().path();
    boolean get = req.method().equals(HttpMethods.GET);
    boolean post = req.method().equals(HttpMethods.POST);
    boolean generationRoute = fastapi ? path.equals("/generate") && post
        : post && (path.equals("/generate") || path.equals("/generate_stream") || path.equals("/v1/chat/completions")
            || path.equals("/v1/completions") || path.equals("/"));
    if (!generationRoute) req.discardEntityBytes(mat);
    {
      if (fastapi) {
        return switch (path) {
          case "/generate" -> post ? generation(Kind.FASTAPI, req, arrival) : done(fastapiError(405, "Method Not Allowed"));
          case "/health" -> get ? done(json(200, "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8))) : done(fastapiError(405, "Method Not Allowed"));
          default -> done(fastapiError(404, "Not Found"));
        };
      }
      return switch (path) {
        case "/generate" -> post ? generation(Kind.GENERATE, req, arrival) : done(empty(405));
        case "/generate_stream" -> post ? generation(Kind.GENERATE_STREAM, req, arrival) : done(empty(405));
        case "/v1/chat/completions" -> post ? generation(Kind.CHAT, req, arrival) : done(empty(405));
        case "/v1/completions" -> post ? generation(Kind.COMPLETIONS, req, arrival) : done(empty(405));
        case "/" -> post ? generation(Kind.COMPAT, req, arrival) : get ? done(empty(200)) : done(empty(405));
        case "/health", "/ping" -> get ? done(empty(200)) : done(empty(405));
        case "/info" -> get ? done(json(200, info())) : done(empty(405));
        case "/metrics" -> get ? done(HttpResponse.create().withEntity(ContentTypes.TEXT_PLAIN_UTF8,
            MetricsText.render(profile, stats, engine))) : done(empty(405));
        case "/v1/models" -> get ? done(json(200, models())) : done(empty(405));
        default -> done(empty(404));
      };
    }
  }

  // ------------------------------------------------------------------ generation

  private CompletionStage<HttpResponse> generation(Kind kind, HttpRequest req, long arrival) {
    stats.received();
    String id = header(req, TruthLog.REQUEST_ID_HEADER);
    TruthLog.Recording rec = truth.start(id, req.getUri().path(), arrival);
    if (!req.entity().getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)) {
      return done(reject(kind, Rejection.plain(415, "Expected request with `Content-Type: application/json`"), rec));
    }
    return req.entity().toStrict(BODY_TIMEOUT_MS, mat).handle((strict, err) -> {
      if (err != null) {
        return done(reject(kind, Rejection.plain(413, "Failed to buffer the request body: length limit exceeded"), rec));
      }
      try {
        return start(kind, req, strict.getData().utf8String(), arrival, rec);
      } catch (Rejection.Failure f) {
        return done(reject(kind, f.rejection, rec));
      }
    }).thenCompose(x -> x);
  }

  private CompletionStage<HttpResponse> start(Kind kind, HttpRequest req, String body, long arrival, TruthLog.Recording rec) {
    JsonNode root;
    GenerationParams params;
    if (kind == Kind.FASTAPI) {
      try {
        root = RequestParsing.readJson(body);
        params = parsing.tgi(root, false);
      } catch (Rejection.Failure f) {
        return done(reject(kind, f.rejection, rec));
      }
    } else {
      root = RequestParsing.readJson(body);
      boolean wantsStream = kind == Kind.GENERATE_STREAM || (root.isObject() && root.path("stream").asBoolean(false));
      try {
        params = switch (kind) {
          case GENERATE, FASTAPI -> parsing.tgi(root, false);
          case GENERATE_STREAM -> parsing.tgi(root, true);
          case COMPAT -> parsing.tgi(root, wantsStream);
          case CHAT -> parsing.chat(root);
          case COMPLETIONS -> parsing.completions(root);
        };
      } catch (Rejection.Failure f) {
        if (wantsStream && !f.rejection.isPlain()) return done(streamedError(kind, f.rejection, rec));
        throw f;
      }
    }
    boolean streaming = kind == Kind.GENERATE_STREAM || params.stream()
        || (kind == Kind.COMPAT && root.path("stream").asBoolean(false));
    RequestFaultPlan.Decision decision = faults.decide(header(req, RequestFaultPlan.HEADER));
    if (!stats.tryAcquire()) {
      stats.rejected();
      Rejection r = Rejection.overloaded();
      return streaming ? done(streamedError(kind, r, rec)) : done(reject(kind, r, rec));
    }
    long n = ordinal.getAndIncrement();
    long requestSeed = params.seed() != null ? params.seed() : GenRequest.seedFor(seed, n);
    GenRequest gen = GenRequest.of(profile, n, params.inputTokens(), params.maxNewTokens(), requestSeed, decision.faults());
    CompletionStage<HttpResponse> response = streaming
        ? stream(kind, params, gen, arrival, rec)
        : whole(kind, params, gen, arrival, rec);
    Duration slow = decision.slowHeaders();
    if (!slow.isZero()) {
      Executor delayed = CompletableFuture.delayedExecutor(slow.toNanos(), TimeUnit.NANOSECONDS, executor);
      response = response.thenApplyAsync(r -> r, delayed);
    }
    return response.thenApply(r -> {
      if (rec != null) rec.headers(System.nanoTime());
      return r;
    });
  }

  /** The per-request bookkeeping shared by the engine thread and the response stream. */
  private final class Flight {
    final TruthLog.Recording rec;
    final long arrival;
    final AtomicBoolean released = new AtomicBoolean();
    volatile String outcome;
    volatile long admitted;
    volatile long lastToken;
    volatile int tokens;
    Engine.Handle handle;

    Flight(TruthLog.Recording rec, long arrival) {
      this.rec = rec;
      this.arrival = arrival;
    }

    /** Releases the concurrency permit and records the outcome, once. */
    void end(String result, long nanos) {
      if (!released.compareAndSet(false, true)) return;
      stats.release();
      if ("ok".equals(result)) {
        stats.succeeded(nanos - arrival, Math.max(0, admitted - arrival));
      } else if (result.startsWith("error:")) {
        stats.failed(result.substring(6));
      } else {
        stats.failed("dropped");
      }
      if (rec != null) {
        rec.serverTokens(tokens);
        rec.end(nanos, result);
      }
    }
  }

  private CompletionStage<HttpResponse> stream(Kind kind, GenerationParams params, GenRequest gen, long arrival,
      TruthLog.Recording rec) {
    QueueHolder queue = new QueueHolder();
    Source<StreamItem, NotUsed> items = Source.<StreamItem>queue(gen.outputTokens() + 8).mapMaterializedValue(q -> {
      queue.attach(q);
      return NotUsed.getInstance();
    });
    Flight flight = new Flight(rec, arrival);
    TokenSink sink = new TokenSink() {
      @Override public void onAdmitted(long nanos) { flight.admitted = nanos; }

      @Override public void onToken(Token token, long nanos) {
        flight.tokens = token.index();
        flight.lastToken = nanos;
        queue.offer(new StreamItem.TokenItem(token));
      }

      @Override public void onFinished(long nanos) {
        flight.outcome = "ok";
        queue.offer(StreamItem.FINISHED);
      }

      @Override public void onError(String message, String errorType, long nanos) {
        if (DISCONNECT.equals(errorType)) {
          flight.outcome = "disconnect";
          queue.offer(StreamItem.DISCONNECT);
        } else {
          flight.outcome = "error:" + errorType;
          queue.offer(new StreamItem.Failed(message, errorType));
        }
      }
    };
    StreamFormat format = format(kind, params);
    flight.handle = engine.submit(gen, arrival, sink);
    Source<ByteString, NotUsed> bytes = items
        .takeWhile(i -> !(i instanceof StreamItem.Finished || i instanceof StreamItem.Failed
            || i instanceof StreamItem.Disconnect), true)
        .keepAlive(profile.keepAlive(), () -> StreamItem.KEEP_ALIVE)
        .map(item -> render(item, format, rec))
        .filter(b -> !b.isEmpty())
        // an injected disconnect fails the stream once what came before it has been written, so that
        // Pekko HTTP aborts the connection mid-body (no terminating chunk)
        .concat(Source.lazySource(() -> "disconnect".equals(flight.outcome)
            ? Source.single(ByteString.emptyByteString()).initialDelay(Duration.ofMillis(20))
                .<ByteString>map(x -> { throw new SimulatedDisconnect(); })
            : Source.<ByteString>empty()))
        .watchTermination((nu, done) -> {
          done.whenComplete((d, e) -> {
            String o = flight.outcome;
            if (o == null || (e != null && !"disconnect".equals(o))) {
              flight.handle.cancel();
              o = "cancelled";
            }
            flight.end(o, System.nanoTime());
          });
          return NotUsed.getInstance();
        });
    List<HttpHeader> headers = List.of(
        RawHeader.create("x-compute-type", profile.computeType()),
        RawHeader.create("x-compute-characters", String.valueOf(params.prompt().length())),
        RawHeader.create("x-accel-buffering", "no"),
        RawHeader.create("cache-control", "no-cache"));
    return done(HttpResponse.create().withStatus(200).addHeaders(headers)
        .withEntity(HttpEntities.createChunked(MediaTypes.TEXT_EVENT_STREAM.toContentType(), bytes)));
  }

  private static ByteString render(StreamItem item, StreamFormat format, TruthLog.Recording rec) {
    if (item instanceof StreamItem.Disconnect) return ByteString.emptyByteString();
    if (item instanceof StreamItem.TokenItem t) {
      ByteString b = ByteString.fromArrayUnsafe(format.token(t.token()));
      if (rec != null) rec.token(System.nanoTime());
      return b;
    }
    if (item instanceof StreamItem.Failed f) return ByteString.fromArrayUnsafe(format.error(f.message(), f.errorType()));
    if (item instanceof StreamItem.Finished) return ByteString.fromArrayUnsafe(format.finish());
    return ByteString.fromArrayUnsafe(StreamFormat.KEEP_ALIVE);
  }

  private StreamFormat format(Kind kind, GenerationParams params) {
    long created = System.currentTimeMillis() / 1000;
    return switch (kind) {
      case CHAT -> new StreamFormat.Chat(params, model(params), created, FINGERPRINT);
      case COMPLETIONS -> new StreamFormat.Completions(params, model(params), created, FINGERPRINT);
      default -> new StreamFormat.Tgi(params);
    };
  }

  private CompletionStage<HttpResponse> whole(Kind kind, GenerationParams params, GenRequest gen, long arrival,
      TruthLog.Recording rec) {
    Flight flight = new Flight(rec, arrival);
    CompletableFuture<Generated> result = new CompletableFuture<>();
    List<Token> tokens = new ArrayList<>(gen.outputTokens());
    long ready = arrival + profile.scaledNanos(profile.timing().validationMicros());
    TokenSink sink = new TokenSink() {
      @Override public void onAdmitted(long nanos) { flight.admitted = nanos; }

      @Override public void onToken(Token token, long nanos) {
        tokens.add(token);
        flight.tokens = token.index();
        flight.lastToken = nanos;
        if (rec != null) rec.token(nanos);
      }

      @Override public void onFinished(long nanos) {
        StringBuilder text = new StringBuilder();
        for (Token t : tokens) if (!t.special()) text.append(t.text());
        Token last = tokens.get(tokens.size() - 1);
        result.complete(new Generated(text.toString(), List.copyOf(tokens), last.finishReason(), params.inputTokens(),
            arrival, ready, flight.admitted, flight.lastToken));
      }

      @Override public void onError(String message, String errorType, long nanos) {
        result.completeExceptionally(new GenerationFailure(message, errorType));
      }
    };
    flight.handle = engine.submit(gen, arrival, sink);
    return result.handleAsync((g, err) -> {
      long now = System.nanoTime();
      if (err != null) {
        Throwable cause = err instanceof CompletionException ? err.getCause() : err;
        GenerationFailure gf = cause instanceof GenerationFailure x ? x : new GenerationFailure(cause.toString(), "generation");
        if (TokenSink.DISCONNECT.equals(gf.errorType)) {
          flight.end("disconnect", now);
          return HttpResponse.create().withEntity(HttpEntities.createChunked(ContentTypes.APPLICATION_JSON,
              Source.<ByteString>failed(new SimulatedDisconnect())));
        }
        flight.end("error:" + gf.errorType, now);
        if (kind == Kind.FASTAPI) {
          return HttpResponse.create().withStatus(500).withEntity(ContentTypes.TEXT_PLAIN_UTF8, "Internal Server Error");
        }
        int status = "generation".equals(gf.errorType) ? 424 : 500;
        return json(status, Json.tgiError(gf.getMessage(), gf.errorType));
      }
      flight.end("ok", now);
      return wholeResponse(kind, params, g, now);
    }, executor);
  }

  private HttpResponse wholeResponse(Kind kind, GenerationParams params, Generated g, long now) {
    long created = System.currentTimeMillis() / 1000;
    byte[] body = switch (kind) {
      case FASTAPI -> OpenAiShapes.fastapiGenerate(g, params);
      case CHAT -> OpenAiShapes.chat(g, model(params), created, FINGERPRINT);
      case COMPLETIONS -> OpenAiShapes.completion(g, model(params), created, FINGERPRINT);
      case COMPAT -> compatArray(OpenAiShapes.tgiGenerate(g, params));
      default -> OpenAiShapes.tgiGenerate(g, params);
    };
    HttpResponse r = json(200, body);
    if (kind == Kind.FASTAPI) return r;
    long totalMs = (now - g.arrivalNanos()) / 1_000_000;
    long validationMs = (g.readyNanos() - g.arrivalNanos()) / 1_000_000;
    long queueMs = Math.max(0, g.admittedNanos() - g.readyNanos()) / 1_000_000;
    long inferenceMs = Math.max(0, g.lastTokenNanos() - g.admittedNanos()) / 1_000_000;
    List<HttpHeader> h = new ArrayList<>();
    h.add(RawHeader.create("x-compute-type", profile.computeType()));
    if (kind != Kind.COMPLETIONS) {
      h.add(RawHeader.create("x-compute-time", String.format(java.util.Locale.ROOT, "%.6f", (now - g.arrivalNanos()) / 1e9)));
    }
    h.add(RawHeader.create("x-compute-characters", String.valueOf(params.prompt().length())));
    h.add(RawHeader.create("x-total-time", String.valueOf(totalMs)));
    h.add(RawHeader.create("x-validation-time", String.valueOf(validationMs)));
    h.add(RawHeader.create("x-queue-time", String.valueOf(queueMs)));
    h.add(RawHeader.create("x-inference-time", String.valueOf(inferenceMs)));
    h.add(RawHeader.create("x-time-per-token", String.valueOf(inferenceMs / Math.max(1, g.tokens().size()))));
    h.add(RawHeader.create("x-prompt-tokens", String.valueOf(g.promptTokens())));
    h.add(RawHeader.create("x-generated-tokens", String.valueOf(g.tokens().size())));
    return r.addHeaders(h);
  }

  private static byte[] compatArray(byte[] obj) {
    byte[] out = new byte[obj.length + 2];
    out[0] = '[';
    System.arraycopy(obj, 0, out, 1, obj.length);
    out[out.length - 1] = ']';
    return out;
  }

  // ------------------------------------------------------------------ errors

  /** A rejection before generation: streaming TGI routes answer 200 with an error event (except plain-text ones). */
  private HttpResponse reject(Kind kind, Rejection r, TruthLog.Recording rec) {
    if (!r.isPlain() && !"overloaded".equals(r.errorType())) stats.failed(r.errorType());
    if (rec != null) rec.end(System.nanoTime(), "rejected:" + r.status());
    if (kind == Kind.FASTAPI) {
      if (r.status() == 422 || r.status() == 400) {
        return json(422, Json.bytes(g -> {
          g.writeStartObject();
          g.writeArrayFieldStart("detail");
          g.writeStartObject();
          g.writeStringField("type", r.status() == 400 ? "json_invalid" : "value_error");
          g.writeArrayFieldStart("loc");
          g.writeString("body");
          g.writeEndArray();
          g.writeStringField("msg", r.message());
          g.writeEndObject();
          g.writeEndArray();
          g.writeEndObject();
        }));
      }
      return fastapiError(r.status(), r.message());
    }
    if (r.isPlain()) return HttpResponse.create().withStatus(r.status()).withEntity(ContentTypes.TEXT_PLAIN_UTF8, r.message());
    return json(r.status(), Json.tgiError(r.message(), r.errorType()));
  }

  /** Validation or overload on a streaming route: HTTP 200 and one error event (protocols.md §3.3, §4.1). */
  private HttpResponse streamedError(Kind kind, Rejection r, TruthLog.Recording rec) {
    if (!"overloaded".equals(r.errorType())) stats.failed(r.errorType());
    if (rec != null) rec.end(System.nanoTime(), "rejected:" + r.status());
    GenerationParams none = new GenerationParams("", 0, null, false, null, true, false, null);
    StreamFormat f = format(kind, none);
    byte[] bytes = f.error(r.message(), r.errorType());
    return HttpResponse.create().withStatus(200)
        .addHeaders(List.of(RawHeader.create("x-accel-buffering", "no"), RawHeader.create("cache-control", "no-cache")))
        .withEntity(HttpEntities.createChunked(MediaTypes.TEXT_EVENT_STREAM.toContentType(),
            Source.single(ByteString.fromArrayUnsafe(bytes))));
  }

  private CompletionStage<HttpResponse> done(HttpResponse r) {
    return CompletableFuture.completedFuture(r);
  }

  private static HttpResponse empty(int status) {
    return HttpResponse.create().withStatus(status);
  }

  private static HttpResponse json(int status, byte[] body) {
    return HttpResponse.create().withStatus(status).withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
  }

  private static HttpResponse fastapiError(int status, String detail) {
    return json(status, Json.bytes(g -> {
      g.writeStartObject();
      g.writeStringField("detail", detail);
      g.writeEndObject();
    }));
  }

  private static String header(HttpRequest req, String name) {
    Optional<HttpHeader> h = req.getHeader(name);
    return h.map(HttpHeader::value).orElse(null);
  }

  private String model(GenerationParams p) {
    return p.model() == null || p.model().equals("tgi") ? profile.modelId() : p.model();
  }

  private byte[] info() {
    Profile.Limits l = profile.limits();
    return Json.bytes(g -> {
      g.writeStartObject();
      g.writeStringField("model_id", profile.modelId());
      g.writeNullField("model_sha");
      g.writeStringField("model_pipeline_tag", "text-generation");
      g.writeNumberField("max_concurrent_requests", l.maxConcurrentRequests());
      g.writeNumberField("max_best_of", RequestParsing.MAX_BEST_OF);
      g.writeNumberField("max_stop_sequences", RequestParsing.MAX_STOP_SEQUENCES);
      g.writeNumberField("max_input_tokens", l.maxInputTokens());
      g.writeNumberField("max_total_tokens", l.maxTotalTokens());
      g.writeNumberField("validation_workers", 2);
      g.writeNumberField("max_client_batch_size", 4);
      g.writeStringField("router", "text-generation-router");
      g.writeStringField("version", VERSION);
      g.writeNullField("sha");
      g.writeNullField("docker_label");
      g.writeEndObject();
    });
  }

  private byte[] models() {
    return Json.bytes(g -> {
      g.writeStartObject();
      g.writeStringField("object", "list");
      g.writeArrayFieldStart("data");
      g.writeStartObject();
      g.writeStringField("id", profile.modelId());
      g.writeStringField("object", "model");
      g.writeNumberField("created", 0);
      g.writeStringField("owned_by", profile.modelId());
      g.writeEndObject();
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  /** A generation error reported by the engine. */
  static final class GenerationFailure extends RuntimeException {
    final String errorType;

    GenerationFailure(String message, String errorType) {
      super(message, null, false, false);
      this.errorType = errorType;
    }
  }

  /** Fails a response stream so that the connection is dropped mid-response. */
  static final class SimulatedDisconnect extends RuntimeException {
    SimulatedDisconnect() {
      super("simulated disconnect", null, false, false);
    }
  }
}
