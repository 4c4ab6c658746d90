package io.barrage.simulator.http;

import io.barrage.simulator.ErrorKind;
import io.barrage.simulator.Profile;
import io.barrage.simulator.SimulatorStats;
import io.barrage.simulator.TruthLog;
import io.barrage.simulator.engine.Engine;
import io.barrage.simulator.engine.GenRequest;
import io.barrage.simulator.engine.PrefixCache;
import io.barrage.simulator.engine.Token;
import io.barrage.simulator.engine.TokenSink;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The path every generation request takes, whichever API family's route it hit: the auth and
 * content-type checks, the fault draw, the concurrency permit, the {@link GenRequest} handed to
 * the {@link Engine}, and the engine's events turned into a stream or one whole response. What a
 * route's answers look like comes from its {@link Answers}; the families ({@link TgiRoutes},
 * {@link OpenAiRoutes}, {@link FastapiRoutes}) parse their bodies and supply those.
 *
 * <p>A streamed token's event is rendered and written on its connection's event loop, and the
 * instant just before that write is the token's ground truth; the engine thread only hands the
 * events over (see {@link #onLoop}).
 */
final class Generations {
  static final String VERSION = "3.3.6-dev0";
  static final String FINGERPRINT = VERSION + "-native";

  final Profile profile;
  final Engine engine;
  final SimulatorStats stats;
  final TruthLog truth;
  final RequestParsing parsing;
  final RequestFaultPlan faults;
  private final ScheduledExecutorService timer;
  private final long seed;
  private final AtomicLong ordinal = new AtomicLong();
  /** The server's prefix cache (none for a naive FastAPI server, which keeps no KV between requests). */
  final PrefixCache prefixCache;
  /** {@code bearer <key>} in lower case, as TGI compares it; null when no key is required. */
  private final byte[] expectedAuthorization;

  /** How one route's answers look. */
  interface Answers {
    /** The HTTP answer to a request refused before generation. */
    Reply rejected(Rejection r);

    /** The event stream of one request. */
    StreamFormat format(GenerationParams params);

    /** The whole answer to a finished generation ({@code now}: when it is sent). */
    Reply finished(GenerationParams params, Generated g, long now);

    /** The whole answer to a generation that failed. */
    Reply failed(String message, ErrorKind kind);
  }

  /** A route's handling of a request body that passed the common checks; may throw {@link Rejection.Failure}. */
  interface BodyHandler {
    void handle(String body, TruthLog.Recording rec);
  }

  Generations(Profile profile, Engine engine, SimulatorStats stats, TruthLog truth, ScheduledExecutorService timer, long seed,
      String apiKey) {
    this.profile = profile;
    this.engine = engine;
    this.stats = stats;
    this.truth = truth;
    this.timer = timer;
    this.seed = seed;
    this.parsing = new RequestParsing(profile.limits());
    this.prefixCache = profile.api() == Profile.Api.FASTAPI ? PrefixCache.none() : PrefixCache.forKvBudget(profile.limits().maxBatchTotalTokens());
    this.faults = new RequestFaultPlan(profile, seed);
    this.expectedAuthorization = apiKey == null ? null
        : ("bearer " + apiKey).toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Takes a generation request: starts its ground truth, checks its key and content type, then
   * hands the body to the route; a rejection thrown on the way is answered in the route's shape.
   */
  void serve(Exchange ex, long arrival, Answers answers, BodyHandler route) {
    TruthLog.Recording rec = truth.start(ex.header(TruthLog.REQUEST_ID_HEADER), ex.path(), arrival);
    if (!authorized(ex)) {
      // TGI's auth middleware answers before the handler: 401, empty body, no request counted
      if (rec != null) rec.end(System.nanoTime(), "rejected:401");
      Reply.empty(401).send(ex);
      return;
    }
    stats.received();
    String ct = ex.header("content-type");
    String media = ct == null ? "" : ct.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!media.equals("application/json")) {
      reject(answers, Rejection.plain(415, "Expected request with `Content-Type: application/json`"), rec).send(ex, rec);
      return;
    }
    try {
      route.handle(new String(ex.body(), StandardCharsets.UTF_8), rec);
    } catch (Rejection.Failure f) {
      reject(answers, f.rejection, rec).send(ex, rec);
    }
  }

  /**
   * TGI's {@code --api-key} check (docs/protocols.md §4): the whole {@code Authorization} value must be
   * {@code Bearer <key>}, compared case-insensitively. It runs before the body is looked at.
   */
  boolean authorized(Exchange ex) {
    if (expectedAuthorization == null) return true;
    String given = ex.header("authorization");
    return given != null && MessageDigest.isEqual(expectedAuthorization,
        given.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
  }

  /** Runs one parsed request: its faults, a concurrency permit, then the engine. */
  void run(Exchange ex, Answers answers, GenerationParams params, boolean streaming, long arrival, TruthLog.Recording rec) {
    if (rec != null) rec.promptTokens(params.inputTokens());
    RequestFaultPlan.Decision decision = faults.decide(ex.header(RequestFaultPlan.HEADER));
    if (!stats.tryAcquire()) {
      stats.rejected();
      Rejection r = Rejection.overloaded();
      (streaming ? streamedError(answers, r, rec) : reject(answers, r, rec)).send(ex, rec);
      return;
    }
    GenRequest gen = newRequest(params, decision);
    if (rec != null) rec.prompt(gen.inputTokens(), gen.cachedTokens(), params.prompt());
    Duration slow = decision.slowHeaders();
    if (!slow.isZero()) ex.holdUntil(arrival + slow.toNanos());
    if (streaming) stream(ex, answers, params, gen, arrival, rec);
    else whole(ex, answers, params, gen, arrival, rec);
  }

  /** The engine's request for {@code params}: the next arrival ordinal, the request's seed or one drawn from it. */
  GenRequest newRequest(GenerationParams params, RequestFaultPlan.Decision decision) {
    long n = ordinal.getAndIncrement();
    long requestSeed = params.seed() != null ? params.seed() : GenRequest.seedFor(seed, n);
    return GenRequest.of(profile, n, params.inputTokens(), params.maxNewTokens(), requestSeed, decision.faults())
        .withCachedTokens(prefixCache.admit(params.prompt(), params.inputTokens()));
  }

  /** A rejection before generation, counted and recorded; answered with an HTTP status. */
  Reply reject(Answers answers, Rejection r, TruthLog.Recording rec) {
    if (!r.isPlain() && r.kind() != ErrorKind.OVERLOADED) stats.failed(r.kind());
    if (rec != null) rec.end(System.nanoTime(), "rejected:" + r.status());
    return answers.rejected(r);
  }

  /** Validation or overload on a streaming route: HTTP 200 and one error event (docs/protocols.md §6, §7). */
  Reply streamedError(Answers answers, Rejection r, TruthLog.Recording rec) {
    if (r.kind() != ErrorKind.OVERLOADED) stats.failed(r.kind());
    if (rec != null) rec.end(System.nanoTime(), "rejected:" + r.status());
    GenerationParams none = new GenerationParams("", 0, null, false, null, true, false, null);
    StreamFormat f = answers.format(none);
    return new Reply(200, List.of(new String[] {"x-accel-buffering", "no"}, new String[] {"cache-control", "no-cache"}),
        Reply.EVENT_STREAM, f.error(r.message(), r.kind()), true);
  }

  /** TGI's answer to a rejection: axum's plain text, or TGI's JSON error body. */
  static Reply tgiRejection(Rejection r) {
    if (r.isPlain()) return Reply.text(r.status(), r.message());
    return Reply.json(r.status(), Json.tgiError(r.message(), r.kind().label()));
  }

  /** TGI's answer to a failed generation: 424 for a shard failure, else 500, with TGI's JSON error body. */
  /**
   * A generation ended in {@code kind}: a simulated disconnect sends the head, then drops the
   * connection before any of the body; any other failure is answered with {@code failure}.
   */
  static void fail(Exchange ex, Flight flight, ErrorKind kind, java.util.function.Supplier<Reply> failure, LongConsumer headWritten) {
    long now = System.nanoTime();
    if (kind == ErrorKind.DISCONNECT) {
      flight.disconnected(now);
      ex.stream(200, List.of(), Reply.JSON, headWritten).drop();
      return;
    }
    flight.failed(kind, now);
    Reply r = failure.get();
    ex.respond(r.status(), r.headers(), r.contentType(), r.body(), headWritten);
  }

  static Reply tgiFailure(String message, ErrorKind kind) {
    return Reply.json(kind == ErrorKind.GENERATION ? 424 : 500, Json.tgiError(message, kind.label()));
  }

  /** The OpenAI {@code model} to echo: the request's, or the profile's model for none or {@code tgi}. */
  String model(GenerationParams p) {
    return p.model() == null || p.model().equals("tgi") ? profile.modelId() : p.model();
  }

  /** The headers of an event stream. */
  List<String[]> streamHeaders(int characters) {
    return List.of(
        new String[] {"x-compute-type", profile.computeType()},
        new String[] {"x-compute-characters", String.valueOf(characters)},
        new String[] {"x-accel-buffering", "no"},
        new String[] {"cache-control", "no-cache"});
  }

  Flight flight(TruthLog.Recording rec, long arrival) {
    return new Flight(stats, rec, arrival);
  }

  KeepAlive keepAlive(Exchange.Stream out) {
    return new KeepAlive(out, timer, profile.keepAlive());
  }

  /** When a request that arrived at {@code arrival} is validated and queued. */
  long ready(long arrival) {
    return arrival + profile.scaledNanos(profile.timing().validationMicros());
  }

  private void stream(Exchange ex, Answers answers, GenerationParams params, GenRequest gen, long arrival, TruthLog.Recording rec) {
    Exchange.Stream out = ex.stream(200, streamHeaders(params.prompt().length()), Reply.EVENT_STREAM,
        rec == null ? null : rec::headers);
    Flight flight = flight(rec, arrival);
    StreamFormat format = answers.format(params);
    KeepAlive keepAlive = keepAlive(out);
    TokenSink sink = new TokenSink() {
      @Override public void onAdmitted(long nanos) { flight.admitted = nanos; }

      @Override public void onToken(Token token, long nanos) {
        flight.tokens = token.index();
        flight.lastToken = nanos;
        out.send(format.token(token), written -> {
          if (rec != null) rec.token(written);
          stats.tokenWritten(written - nanos);
        });
      }

      @Override public void onFinished(long nanos) {
        // the outcome is counted before the last bytes go out, so a client that has read them
        // finds it in the server's stats
        keepAlive.stop();
        flight.succeeded(System.nanoTime());
        out.send(format.finish(), null);
        out.end();
      }

      @Override public void onError(String message, ErrorKind kind, long nanos) {
        keepAlive.stop();
        if (kind == ErrorKind.DISCONNECT) {
          // drop the connection once what came before is written: the body stays unterminated
          flight.disconnected(System.nanoTime());
          out.drop();
        } else {
          flight.failed(kind, System.nanoTime());
          out.send(format.error(message, kind), null);
          out.end();
        }
      }
    };
    flight.handle = engine.submit(gen, arrival, onLoop(ex, sink));
    ex.onClientGone(() -> {
      keepAlive.stop();
      flight.handle.cancel();
      flight.cancelled(System.nanoTime());
    });
    keepAlive.schedule();
  }

  private void whole(Exchange ex, Answers answers, GenerationParams params, GenRequest gen, long arrival, TruthLog.Recording rec) {
    Flight flight = flight(rec, arrival);
    List<Token> tokens = new ArrayList<>(gen.outputTokens());
    long ready = ready(arrival);
    LongConsumer headWritten = rec == null ? null : rec::headers;
    TokenSink sink = new TokenSink() {
      @Override public void onAdmitted(long nanos) { flight.admitted = nanos; }

      @Override public void onToken(Token token, long nanos) {
        tokens.add(token);
        flight.tokens = token.index();
        flight.lastToken = nanos;
        if (rec != null) rec.token(nanos);
      }

      @Override public void onFinished(long nanos) {
        Generated g = Generated.of(tokens, params.inputTokens(), arrival, ready, flight.admitted, flight.lastToken);
        long now = System.nanoTime();
        flight.succeeded(now);
        Reply r = answers.finished(params, g, now);
        ex.respond(r.status(), r.headers(), r.contentType(), r.body(), headWritten);
      }

      @Override public void onError(String message, ErrorKind kind, long nanos) {
        fail(ex, flight, kind, () -> answers.failed(message, kind), headWritten);
      }
    };
    flight.handle = engine.submit(gen, arrival, onLoop(ex, sink));
    ex.onClientGone(() -> {
      flight.handle.cancel();
      flight.cancelled(System.nanoTime());
    });
  }

  /**
   * The engine's callbacks for one exchange, run on its connection's event loop instead of the
   * engine thread: the engine thread only plans steps and hands events over (woken once per step
   * by {@link Engine#afterEmit}); rendering and writing happen on the event loops, in order per
   * exchange. The instants the engine passes along are unchanged.
   */
  static TokenSink onLoop(Exchange ex, TokenSink sink) {
    return new TokenSink() {
      @Override public void onAdmitted(long nanos) { ex.later(() -> sink.onAdmitted(nanos)); }

      @Override public void onToken(Token token, long nanos) { ex.later(() -> sink.onToken(token, nanos)); }

      @Override public void onFinished(long nanos) { ex.later(() -> sink.onFinished(nanos)); }

      @Override public void onError(String message, ErrorKind kind, long nanos) {
        ex.later(() -> sink.onError(message, kind, nanos));
      }
    };
  }

  /**
   * {@code r} with TGI's timing headers for one generation answered at {@code now}:
   * {@code x-compute-time} only when {@code computeTime} (TGI's completions route has none).
   */
  Reply timed(Reply r, GenerationParams params, Generated g, long now, boolean computeTime) {
    long[] ms = timingMillis(g, now);
    List<String[]> h = new ArrayList<>();
    h.add(new String[] {"x-compute-type", profile.computeType()});
    if (computeTime) {
      h.add(new String[] {"x-compute-time", String.format(Locale.ROOT, "%.6f", (now - g.arrivalNanos()) / 1e9)});
    }
    h.add(new String[] {"x-compute-characters", String.valueOf(params.prompt().length())});
    addTimings(h, ms, g.promptTokens(), g.tokens().size());
    return r.with(h);
  }

  /** TGI's timing headers from {@code x-total-time} on: total, validation, queue, inference, per token (ms), then the token counts. */
  static void addTimings(List<String[]> h, long[] ms, long promptTokens, long generatedTokens) {
    h.add(new String[] {"x-total-time", String.valueOf(ms[0])});
    h.add(new String[] {"x-validation-time", String.valueOf(ms[1])});
    h.add(new String[] {"x-queue-time", String.valueOf(ms[2])});
    h.add(new String[] {"x-inference-time", String.valueOf(ms[3])});
    h.add(new String[] {"x-time-per-token", String.valueOf(ms[4])});
    h.add(new String[] {"x-prompt-tokens", String.valueOf(promptTokens)});
    h.add(new String[] {"x-generated-tokens", String.valueOf(generatedTokens)});
  }

  /** TGI's timing headers of one generation, in ms: total, validation, queue, inference, per token. */
  static long[] timingMillis(Generated g, long now) {
    long inferenceMs = Math.max(0, g.lastTokenNanos() - g.admittedNanos()) / 1_000_000;
    return new long[] {
        (now - g.arrivalNanos()) / 1_000_000,
        (g.readyNanos() - g.arrivalNanos()) / 1_000_000,
        Math.max(0, g.admittedNanos() - g.readyNanos()) / 1_000_000,
        inferenceMs,
        inferenceMs / Math.max(1, g.tokens().size())};
  }
}
