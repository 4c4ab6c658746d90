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
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The HTTP surface of one simulated server: TGI's native and OpenAI-compatible routes, or the
 * FastAPI baseline's {@code /generate}, with TGI's framing, field names, headers and errors
 * (docs/protocols.md). Generation requests go to the {@link Engine}. A streamed response is written by
 * the engine's scheduling thread itself: each token's SSE event goes to the socket as one chunk
 * when the token is emitted, and the instant just before that write is the token's ground truth.
 */
public final class SimulatorRoutes implements SimHttpServer.Handler {
  static final String VERSION = "3.3.6-dev0";
  static final String FINGERPRINT = VERSION + "-native";
  static final String JSON = "application/json";
  static final String TEXT = "text/plain; charset=utf-8";
  static final String EVENT_STREAM = "text/event-stream";

  private final Profile profile;
  private final Engine engine;
  private final SimulatorStats stats;
  private final TruthLog truth;
  private final ScheduledExecutorService timer;
  private final long seed;
  private final RequestParsing parsing;
  private final RequestFaultPlan faults;
  private final AtomicLong ordinal = new AtomicLong();
  private final boolean fastapi;
  /** {@code bearer <key>} in lower case, as TGI compares it; null when no key is required. */
  private final byte[] expectedAuthorization;

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
    this.profile = profile;
    this.engine = engine;
    this.stats = stats;
    this.truth = truth;
    this.timer = timer;
    this.seed = seed;
    this.parsing = new RequestParsing(profile.limits());
    this.faults = new RequestFaultPlan(profile, seed);
    this.fastapi = profile.api() == Profile.Api.FASTAPI;
    this.expectedAuthorization = apiKey == null ? null
        : ("bearer " + apiKey).toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * TGI's {@code --api-key} check (docs/protocols.md §4): the whole {@code Authorization} value must be
   * {@code Bearer <key>}, compared case-insensitively. It runs before the body is looked at.
   */
  private boolean authorized(Exchange ex) {
    if (expectedAuthorization == null) return true;
    String given = ex.header("authorization");
    return given != null && java.security.MessageDigest.isEqual(expectedAuthorization,
        given.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
  }

  /** Which generation route a request hit. */
  enum Kind { GENERATE, GENERATE_STREAM, COMPAT, CHAT, COMPLETIONS, FASTAPI }

  /** A whole response, before it is written. */
  record Reply(int status, List<String[]> headers, String contentType, byte[] body, boolean chunked) {
    Reply(int status, List<String[]> headers, String contentType, byte[] body) {
      this(status, headers, contentType, body, false);
    }

    Reply with(List<String[]> more) {
      List<String[]> h = new ArrayList<>(headers);
      h.addAll(more);
      return new Reply(status, h, contentType, body, chunked);
    }
  }

  @Override
  public void handle(Exchange ex) {
    long arrival = ex.arrivalNanos();
    String path = ex.path();
    boolean get = ex.method().equals("GET");
    boolean post = ex.method().equals("POST");
    if (fastapi) {
      switch (path) {
        case "/generate" -> {
          if (post) generation(Kind.FASTAPI, ex, arrival);
          else send(ex, fastapiError(405, "Method Not Allowed"));
        }
        case "/health" -> send(ex, get ? json(200, "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8)) : fastapiError(405, "Method Not Allowed"));
        default -> send(ex, fastapiError(404, "Not Found"));
      }
      return;
    }
    switch (path) {
      case "/generate" -> postOnly(ex, post, Kind.GENERATE, arrival);
      case "/generate_stream" -> postOnly(ex, post, Kind.GENERATE_STREAM, arrival);
      case "/v1/chat/completions" -> postOnly(ex, post, Kind.CHAT, arrival);
      case "/v1/completions" -> postOnly(ex, post, Kind.COMPLETIONS, arrival);
      case "/" -> {
        if (post) generation(Kind.COMPAT, ex, arrival);
        else send(ex, empty(get ? 200 : 405));
      }
      case "/health", "/ping" -> send(ex, empty(get ? 200 : 405));
      case "/info" -> send(ex, get ? json(200, info()) : empty(405));
      case "/metrics" -> send(ex, get ? new Reply(200, List.of(), TEXT,
          MetricsText.render(profile, stats, engine).getBytes(StandardCharsets.UTF_8)) : empty(405));
      case "/v1/models" -> send(ex, get ? json(200, models()) : empty(405));
      default -> send(ex, empty(404));
    }
  }

  private void postOnly(Exchange ex, boolean post, Kind kind, long arrival) {
    if (post) generation(kind, ex, arrival);
    else send(ex, empty(405));
  }

  private static void send(Exchange ex, Reply r) {
    finish(ex, r, null);
  }

  // ------------------------------------------------------------------ generation

  private void generation(Kind kind, Exchange ex, long arrival) {
    String id = ex.header(TruthLog.REQUEST_ID_HEADER);
    TruthLog.Recording rec = truth.start(id, ex.path(), arrival);
    if (!authorized(ex)) {
      // TGI's auth middleware answers before the handler: 401, empty body, no request counted
      if (rec != null) rec.end(System.nanoTime(), "rejected:401");
      send(ex, empty(401));
      return;
    }
    stats.received();
    String ct = ex.header("content-type");
    String media = ct == null ? "" : ct.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (!media.equals("application/json")) {
      finish(ex, reject(kind, Rejection.plain(415, "Expected request with `Content-Type: application/json`"), rec), rec);
      return;
    }
    try {
      start(kind, ex, new String(ex.body(), StandardCharsets.UTF_8), arrival, rec);
    } catch (Rejection.Failure f) {
      finish(ex, reject(kind, f.rejection, rec), rec);
    }
  }

  /** Writes a whole response and records when its head went out. */
  private static void finish(Exchange ex, Reply r, TruthLog.Recording rec) {
    java.util.function.LongConsumer headWritten = rec == null ? null : rec::headers;
    if (r.chunked()) {
      Exchange.Stream s = ex.stream(r.status(), r.headers(), r.contentType(), headWritten);
      s.send(r.body(), null);
      s.end();
    } else {
      ex.respond(r.status(), r.headers(), r.contentType(), r.body(), headWritten);
    }
  }

  private void start(Kind kind, Exchange ex, String body, long arrival, TruthLog.Recording rec) {
    JsonNode root;
    GenerationParams params;
    if (kind == Kind.FASTAPI) {
      root = RequestParsing.readJson(body);
      params = parsing.tgi(root, false);
    } else {
      root = RequestParsing.readJson(body);
      boolean wantsStream = kind == Kind.GENERATE_STREAM || (root.isObject() && root.path("stream").asBoolean(false));
      if (kind == Kind.COMPLETIONS && RequestParsing.hasSeveralPrompts(root)) {
        completionsBatch(ex, root, wantsStream, arrival, rec);
        return;
      }
      try {
        params = switch (kind) {
          case GENERATE, FASTAPI -> parsing.tgi(root, false);
          case GENERATE_STREAM -> parsing.tgi(root, true);
          case COMPAT -> parsing.tgi(root, wantsStream);
          case CHAT -> parsing.chat(root);
          case COMPLETIONS -> parsing.completions(root);
        };
      } catch (Rejection.Failure f) {
        if (wantsStream && !f.rejection.isPlain() && !f.rejection.isHandlerError()) {
          finish(ex, streamedError(kind, f.rejection, rec), rec);
          return;
        }
        throw f;
      }
    }
    boolean streaming = kind == Kind.GENERATE_STREAM || params.stream()
        || (kind == Kind.COMPAT && root.path("stream").asBoolean(false));
    RequestFaultPlan.Decision decision = faults.decide(ex.header(RequestFaultPlan.HEADER));
    if (!stats.tryAcquire()) {
      stats.rejected();
      Rejection r = Rejection.overloaded();
      finish(ex, streaming ? streamedError(kind, r, rec) : reject(kind, r, rec), rec);
      return;
    }
    long n = ordinal.getAndIncrement();
    long requestSeed = params.seed() != null ? params.seed() : GenRequest.seedFor(seed, n);
    GenRequest gen = GenRequest.of(profile, n, params.inputTokens(), params.maxNewTokens(), requestSeed, decision.faults());
    Duration slow = decision.slowHeaders();
    if (!slow.isZero()) ex.holdUntil(arrival + slow.toNanos());
    if (streaming) stream(kind, ex, params, gen, arrival, rec);
    else whole(kind, ex, params, gen, arrival, rec);
  }

  /** The per-request bookkeeping shared by the engine thread and the connection. */
  private final class Flight {
    final TruthLog.Recording rec;
    final long arrival;
    final AtomicBoolean released = new AtomicBoolean();
    /** Concurrency permits it holds: one per generation (a completions request holds one per prompt). */
    int permits = 1;
    volatile long admitted;
    volatile long lastToken;
    volatile int tokens;
    Engine.Handle handle;

    Flight(TruthLog.Recording rec, long arrival) {
      this.rec = rec;
      this.arrival = arrival;
    }

    /**
     * Ends a completions request with several prompts, once: releases its permits; each prompt's
     * failure was counted where it happened, so only a full success is counted here.
     */
    void endBatch(String firstError, long nanos) {
      if (!released.compareAndSet(false, true)) return;
      for (int i = 0; i < permits; i++) stats.release();
      if (firstError == null) stats.succeeded(nanos - arrival, Math.max(0, admitted - arrival));
      if (rec != null) {
        rec.serverTokens(tokens);
        rec.end(nanos, firstError == null ? "ok" : "error:" + firstError);
      }
    }

    /** Releases the concurrency permit and records the outcome, once. */
    void end(String result, long nanos) {
      if (!released.compareAndSet(false, true)) return;
      for (int i = 0; i < permits; i++) stats.release();
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

  private void stream(Kind kind, Exchange ex, GenerationParams params, GenRequest gen, long arrival, TruthLog.Recording rec) {
    List<String[]> headers = List.of(
        new String[] {"x-compute-type", profile.computeType()},
        new String[] {"x-compute-characters", String.valueOf(params.prompt().length())},
        new String[] {"x-accel-buffering", "no"},
        new String[] {"cache-control", "no-cache"});
    Exchange.Stream out = ex.stream(200, headers, EVENT_STREAM, rec == null ? null : rec::headers);
    Flight flight = new Flight(rec, arrival);
    StreamFormat format = format(kind, params);
    KeepAlive keepAlive = new KeepAlive(out);
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
        flight.end("ok", System.nanoTime());
        out.send(format.finish(), null);
        out.end();
      }

      @Override public void onError(String message, String errorType, long nanos) {
        keepAlive.stop();
        if (DISCONNECT.equals(errorType)) {
          // drop the connection once what came before is written: the body stays unterminated
          flight.end("disconnect", System.nanoTime());
          out.drop();
        } else {
          flight.end("error:" + errorType, System.nanoTime());
          out.send(format.error(message, errorType), null);
          out.end();
        }
      }
    };
    flight.handle = engine.submit(gen, arrival, onLoop(ex, sink));
    ex.onClientGone(() -> {
      keepAlive.stop();
      flight.handle.cancel();
      flight.end("cancelled", System.nanoTime());
    });
    keepAlive.schedule();
  }

  /**
   * The engine's callbacks for one exchange, run on its connection's event loop instead of the
   * engine thread: the engine thread only plans steps and hands events over (woken once per step
   * by {@link Engine#afterEmit}); rendering and writing happen on the event loops, in order per
   * exchange. The instants the engine passes along are unchanged.
   */
  private static TokenSink onLoop(Exchange ex, TokenSink sink) {
    return new TokenSink() {
      @Override public void onAdmitted(long nanos) { ex.later(() -> sink.onAdmitted(nanos)); }

      @Override public void onToken(Token token, long nanos) { ex.later(() -> sink.onToken(token, nanos)); }

      @Override public void onFinished(long nanos) { ex.later(() -> sink.onFinished(nanos)); }

      @Override public void onError(String message, String errorType, long nanos) {
        ex.later(() -> sink.onError(message, errorType, nanos));
      }
    };
  }

  /** Sends a {@code :} comment whenever a stream has been silent for the profile's keep-alive interval. */
  private final class KeepAlive implements Runnable {
    private final Exchange.Stream out;
    private final long interval = profile.keepAlive().toNanos();
    private volatile boolean stopped;
    private volatile ScheduledFuture<?> next;

    KeepAlive(Exchange.Stream out) {
      this.out = out;
    }

    void schedule() {
      if (interval <= 0 || stopped) return;
      long due = out.lastWriteNanos() + interval - System.nanoTime();
      next = timer.schedule(this, Math.max(1, due), TimeUnit.NANOSECONDS);
      if (stopped) next.cancel(false);
    }

    @Override
    public void run() {
      if (stopped || !out.isOpen()) return;
      if (System.nanoTime() - out.lastWriteNanos() >= interval) out.send(StreamFormat.KEEP_ALIVE, null);
      schedule();
    }

    void stop() {
      stopped = true;
      ScheduledFuture<?> f = next;
      if (f != null) f.cancel(false);
    }
  }

  private StreamFormat format(Kind kind, GenerationParams params) {
    long created = System.currentTimeMillis() / 1000;
    StreamFormat f = switch (kind) {
      case CHAT -> new StreamFormat.Chat(params, model(params), created, FINGERPRINT);
      case COMPLETIONS -> new StreamFormat.Completions(params, model(params), created, FINGERPRINT);
      default -> new StreamFormat.Tgi(params);
    };
    f.countOffset = profile.faults().countOffset();
    return f;
  }

  private void whole(Kind kind, Exchange ex, GenerationParams params, GenRequest gen, long arrival, TruthLog.Recording rec) {
    Flight flight = new Flight(rec, arrival);
    List<Token> tokens = new ArrayList<>(gen.outputTokens());
    long ready = arrival + profile.scaledNanos(profile.timing().validationMicros());
    java.util.function.LongConsumer headWritten = rec == null ? null : rec::headers;
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
        Generated g = new Generated(text.toString(), List.copyOf(tokens), last.finishReason(), params.inputTokens(),
            arrival, ready, flight.admitted, flight.lastToken);
        long now = System.nanoTime();
        flight.end("ok", now);
        Reply r = wholeResponse(kind, params, g, now);
        ex.respond(r.status(), r.headers(), r.contentType(), r.body(), headWritten);
      }

      @Override public void onError(String message, String errorType, long nanos) {
        long now = System.nanoTime();
        if (DISCONNECT.equals(errorType)) {
          flight.end("disconnect", now);
          // the head goes out, then the connection drops before any of the body
          ex.stream(200, List.of(), JSON, headWritten).drop();
          return;
        }
        flight.end("error:" + errorType, now);
        Reply r;
        if (kind == Kind.FASTAPI) {
          r = new Reply(500, List.of(), TEXT, "Internal Server Error".getBytes(StandardCharsets.UTF_8));
        } else {
          r = json("generation".equals(errorType) ? 424 : 500, Json.tgiError(message, errorType));
        }
        ex.respond(r.status(), r.headers(), r.contentType(), r.body(), headWritten);
      }
    };
    flight.handle = engine.submit(gen, arrival, onLoop(ex, sink));
    ex.onClientGone(() -> {
      flight.handle.cancel();
      flight.end("cancelled", System.nanoTime());
    });
  }

  // ------------------------------------------------------------------ /v1/completions, several prompts

  /**
   * {@code /v1/completions} with 2-4 prompts, as TGI serves it (docs/protocols.md §7): one generation
   * per prompt, each validated, counted against {@code max_concurrent_requests} and scheduled on its
   * own. Streamed, the prompts' events are merged round-robin ({@link PromptMerge}), a prompt that
   * fails ends with an error event in its place while the others go on, and one {@code [DONE]} ends
   * the stream. Whole, the response waits for every prompt and fails as soon as one does.
   */
  private void completionsBatch(Exchange ex, JsonNode root, boolean streaming, long arrival, TruthLog.Recording rec) {
    List<RequestParsing.Slot> slots = parsing.completionsBatch(root);
    RequestFaultPlan.Decision[] decisions = new RequestFaultPlan.Decision[slots.size()];
    for (int i = 0; i < decisions.length; i++) decisions[i] = faults.decide(ex.header(RequestFaultPlan.HEADER));
    if (streaming) streamBatch(ex, slots, decisions, arrival, rec);
    else wholeBatch(ex, slots, decisions, arrival, rec);
  }

  private GenRequest generationFor(GenerationParams params, RequestFaultPlan.Decision decision) {
    long n = ordinal.getAndIncrement();
    long requestSeed = params.seed() != null ? params.seed() : GenRequest.seedFor(seed, n);
    return GenRequest.of(profile, n, params.inputTokens(), params.maxNewTokens(), requestSeed, decision.faults());
  }

  private static void cancelAll(Engine.Handle[] handles) {
    for (Engine.Handle h : handles) if (h != null) h.cancel();
  }

  private void streamBatch(Exchange ex, List<RequestParsing.Slot> slots, RequestFaultPlan.Decision[] decisions, long arrival,
      TruthLog.Recording rec) {
    int n = slots.size();
    int characters = 0;
    for (RequestParsing.Slot slot : slots) if (slot.params() != null) characters += slot.params().prompt().length();
    Duration slow = decisions[0].slowHeaders();
    if (!slow.isZero()) ex.holdUntil(arrival + slow.toNanos());
    Exchange.Stream out = ex.stream(200, List.of(
        new String[] {"x-compute-type", profile.computeType()},
        new String[] {"x-compute-characters", String.valueOf(characters)},
        new String[] {"x-accel-buffering", "no"},
        new String[] {"cache-control", "no-cache"}), EVENT_STREAM, rec == null ? null : rec::headers);
    Flight flight = new Flight(rec, arrival);
    flight.permits = 0;
    KeepAlive keepAlive = new KeepAlive(out);
    Engine.Handle[] handles = new Engine.Handle[n];
    PromptMerge merge = new PromptMerge(out, n, rec == null ? null : rec::token, firstError -> {
      keepAlive.stop();
      flight.endBatch(firstError, System.nanoTime());
      out.send(StreamFormat.DONE, null);
      out.end();
    });
    long created = System.currentTimeMillis() / 1000;
    for (int i = 0; i < n; i++) {
      RequestParsing.Slot slot = slots.get(i);
      if (slot.rejection() != null) {
        stats.failed(slot.rejection().errorType());
        merge.fail(i, StreamFormat.OpenAi.errorEvent(slot.rejection().message()), slot.rejection().errorType());
        continue;
      }
      if (!stats.tryAcquire()) {
        stats.rejected();
        merge.fail(i, StreamFormat.OpenAi.errorEvent(Rejection.overloaded().message()), "overloaded");
        continue;
      }
      flight.permits++;
      int prompt = i;
      StreamFormat format = new StreamFormat.Completions(slot.params(), model(slot.params()), created, FINGERPRINT, i);
      TokenSink sink = new TokenSink() {
        @Override public void onAdmitted(long nanos) {
          if (flight.admitted == 0) flight.admitted = nanos;
        }

        @Override public void onToken(Token token, long nanos) {
          flight.tokens++;
          flight.lastToken = nanos;
          merge.token(prompt, format.token(token));
        }

        @Override public void onFinished(long nanos) {
          merge.end(prompt);
        }

        @Override public void onError(String message, String errorType, long nanos) {
          if (DISCONNECT.equals(errorType)) {
            merge.abandon();
            keepAlive.stop();
            cancelAll(handles);
            flight.end("disconnect", System.nanoTime());
            out.drop();
            return;
          }
          stats.failed(errorType);
          merge.fail(prompt, StreamFormat.OpenAi.errorEvent(message), errorType);
        }
      };
      handles[i] = engine.submit(generationFor(slot.params(), decisions[i]), arrival, onLoop(ex, sink));
    }
    ex.onClientGone(() -> {
      merge.abandon();
      keepAlive.stop();
      cancelAll(handles);
      flight.end("cancelled", System.nanoTime());
    });
    keepAlive.schedule();
  }

  private void wholeBatch(Exchange ex, List<RequestParsing.Slot> slots, RequestFaultPlan.Decision[] decisions, long arrival,
      TruthLog.Recording rec) {
    int n = slots.size();
    for (RequestParsing.Slot slot : slots) if (slot.rejection() != null) throw new Rejection.Failure(slot.rejection());
    for (int i = 0; i < n; i++) {
      if (!stats.tryAcquire()) {
        for (int j = 0; j < i; j++) stats.release();
        stats.rejected();
        finish(ex, reject(Kind.COMPLETIONS, Rejection.overloaded(), rec), rec);
        return;
      }
    }
    Duration slow = decisions[0].slowHeaders();
    if (!slow.isZero()) ex.holdUntil(arrival + slow.toNanos());
    Flight flight = new Flight(rec, arrival);
    flight.permits = n;
    long ready = arrival + profile.scaledNanos(profile.timing().validationMicros());
    java.util.function.LongConsumer headWritten = rec == null ? null : rec::headers;
    Engine.Handle[] handles = new Engine.Handle[n];
    Generated[] results = new Generated[n];
    long[] finishedAt = new long[n];
    List<Integer> finishOrder = new ArrayList<>(n);
    AtomicBoolean over = new AtomicBoolean();
    for (int i = 0; i < n; i++) {
      int prompt = i;
      GenerationParams params = slots.get(i).params();
      GenRequest gen = generationFor(params, decisions[i]);
      List<Token> tokens = new ArrayList<>(gen.outputTokens());
      long[] instants = new long[2];
      TokenSink sink = new TokenSink() {
        @Override public void onAdmitted(long nanos) {
          instants[0] = nanos;
          if (flight.admitted == 0) flight.admitted = nanos;
        }

        @Override public void onToken(Token token, long nanos) {
          tokens.add(token);
          flight.tokens++;
          instants[1] = nanos;
          if (rec != null) rec.token(nanos);
        }

        @Override public void onFinished(long nanos) {
          StringBuilder text = new StringBuilder();
          for (Token t : tokens) if (!t.special()) text.append(t.text());
          results[prompt] = new Generated(text.toString(), List.copyOf(tokens), tokens.get(tokens.size() - 1).finishReason(),
              params.inputTokens(), arrival, ready, instants[0], instants[1]);
          finishedAt[prompt] = System.nanoTime();
          finishOrder.add(prompt);
          if (finishOrder.size() == n && over.compareAndSet(false, true)) {
            respondBatch(ex, slots, results, finishedAt, finishOrder, flight, headWritten);
          }
        }

        @Override public void onError(String message, String errorType, long nanos) {
          if (!over.compareAndSet(false, true)) return;
          cancelAll(handles);
          long now = System.nanoTime();
          if (DISCONNECT.equals(errorType)) {
            flight.end("disconnect", now);
            ex.stream(200, List.of(), JSON, headWritten).drop();
            return;
          }
          flight.end("error:" + errorType, now);
          Reply r = json("generation".equals(errorType) ? 424 : 500, Json.tgiError(message, errorType));
          ex.respond(r.status(), r.headers(), r.contentType(), r.body(), headWritten);
        }
      };
      handles[i] = engine.submit(gen, arrival, onLoop(ex, sink));
    }
    ex.onClientGone(() -> {
      over.set(true);
      cancelAll(handles);
      flight.end("cancelled", System.nanoTime());
    });
  }

  /** Every prompt finished: TGI's response, choices in finishing order, timing headers summed over the prompts. */
  private void respondBatch(Exchange ex, List<RequestParsing.Slot> slots, Generated[] results, long[] finishedAt,
      List<Integer> finishOrder, Flight flight, java.util.function.LongConsumer headWritten) {
    List<Generated> finished = new ArrayList<>(finishOrder.size());
    long[] sums = new long[5];
    long characters = 0;
    long promptTokens = 0;
    long generatedTokens = 0;
    for (int i : finishOrder) {
      Generated g = results[i];
      finished.add(g);
      long[] ms = timingMillis(g, finishedAt[i]);
      for (int k = 0; k < sums.length; k++) sums[k] += ms[k];
      promptTokens += g.promptTokens();
      generatedTokens += g.tokens().size();
    }
    for (RequestParsing.Slot slot : slots) characters += slot.params().prompt().length();
    long now = System.nanoTime();
    flight.end("ok", now);
    byte[] body = OpenAiShapes.completionBatch(finished, finishOrder, model(slots.get(0).params()), System.currentTimeMillis() / 1000,
        FINGERPRINT);
    List<String[]> h = new ArrayList<>();
    h.add(new String[] {"x-compute-type", profile.computeType()});
    h.add(new String[] {"x-compute-characters", String.valueOf(characters)});
    h.add(new String[] {"x-total-time", String.valueOf(sums[0])});
    h.add(new String[] {"x-validation-time", String.valueOf(sums[1])});
    h.add(new String[] {"x-queue-time", String.valueOf(sums[2])});
    h.add(new String[] {"x-inference-time", String.valueOf(sums[3])});
    h.add(new String[] {"x-time-per-token", String.valueOf(sums[4])});
    h.add(new String[] {"x-prompt-tokens", String.valueOf(promptTokens)});
    h.add(new String[] {"x-generated-tokens", String.valueOf(generatedTokens)});
    ex.respond(200, h, JSON, body, headWritten);
  }

  private Reply wholeResponse(Kind kind, GenerationParams params, Generated g, long now) {
    long created = System.currentTimeMillis() / 1000;
    int lie = profile.faults().countOffset();
    byte[] body = switch (kind) {
      case FASTAPI -> OpenAiShapes.fastapiGenerate(g, params, lie);
      case CHAT -> OpenAiShapes.chat(g, model(params), created, FINGERPRINT, lie);
      case COMPLETIONS -> OpenAiShapes.completion(g, model(params), created, FINGERPRINT, lie);
      case COMPAT -> compatArray(OpenAiShapes.tgiGenerate(g, params, lie));
      default -> OpenAiShapes.tgiGenerate(g, params, lie);
    };
    Reply r = json(200, body);
    if (kind == Kind.FASTAPI) return r;
    long[] ms = timingMillis(g, now);
    long totalMs = ms[0];
    long validationMs = ms[1];
    long queueMs = ms[2];
    long inferenceMs = ms[3];
    List<String[]> h = new ArrayList<>();
    h.add(new String[] {"x-compute-type", profile.computeType()});
    if (kind != Kind.COMPLETIONS) {
      h.add(new String[] {"x-compute-time", String.format(Locale.ROOT, "%.6f", (now - g.arrivalNanos()) / 1e9)});
    }
    h.add(new String[] {"x-compute-characters", String.valueOf(params.prompt().length())});
    h.add(new String[] {"x-total-time", String.valueOf(totalMs)});
    h.add(new String[] {"x-validation-time", String.valueOf(validationMs)});
    h.add(new String[] {"x-queue-time", String.valueOf(queueMs)});
    h.add(new String[] {"x-inference-time", String.valueOf(inferenceMs)});
    h.add(new String[] {"x-time-per-token", String.valueOf(ms[4])});
    h.add(new String[] {"x-prompt-tokens", String.valueOf(g.promptTokens())});
    h.add(new String[] {"x-generated-tokens", String.valueOf(g.tokens().size())});
    return r.with(h);
  }

  /** TGI's timing headers of one generation, in ms: total, validation, queue, inference, per token. */
  private static long[] timingMillis(Generated g, long now) {
    long inferenceMs = Math.max(0, g.lastTokenNanos() - g.admittedNanos()) / 1_000_000;
    return new long[] {
        (now - g.arrivalNanos()) / 1_000_000,
        (g.readyNanos() - g.arrivalNanos()) / 1_000_000,
        Math.max(0, g.admittedNanos() - g.readyNanos()) / 1_000_000,
        inferenceMs,
        inferenceMs / Math.max(1, g.tokens().size())};
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
  private Reply reject(Kind kind, Rejection r, TruthLog.Recording rec) {
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
    if (r.isPlain()) return new Reply(r.status(), List.of(), TEXT, r.message().getBytes(StandardCharsets.UTF_8));
    return json(r.status(), Json.tgiError(r.message(), r.errorType()));
  }

  /** Validation or overload on a streaming route: HTTP 200 and one error event (docs/protocols.md §6, §7). */
  private Reply streamedError(Kind kind, Rejection r, TruthLog.Recording rec) {
    if (!"overloaded".equals(r.errorType())) stats.failed(r.errorType());
    if (rec != null) rec.end(System.nanoTime(), "rejected:" + r.status());
    GenerationParams none = new GenerationParams("", 0, null, false, null, true, false, null);
    StreamFormat f = format(kind, none);
    return new Reply(200, List.of(new String[] {"x-accel-buffering", "no"}, new String[] {"cache-control", "no-cache"}),
        EVENT_STREAM, f.error(r.message(), r.errorType()), true);
  }

  private static Reply empty(int status) {
    return new Reply(status, List.of(), null, new byte[0]);
  }

  private static Reply json(int status, byte[] body) {
    return new Reply(status, List.of(), JSON, body);
  }

  private static Reply fastapiError(int status, String detail) {
    return json(status, Json.bytes(g -> {
      g.writeStartObject();
      g.writeStringField("detail", detail);
      g.writeEndObject();
    }));
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
}
