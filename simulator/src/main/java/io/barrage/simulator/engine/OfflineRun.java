package io.barrage.simulator.engine;

import io.barrage.simulator.ErrorKind;

import io.barrage.simulator.Profile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Drives a profile's engine in virtual time, without HTTP: closed-loop clients, each sending its
 * next request as soon as the previous one ends (plus an optional think time), for a number of
 * requests each or until a virtual duration has passed. Every request's submit, admission, token
 * and end instants are recorded in virtual nanoseconds at the profile's real speed (the profile's
 * time scale is ignored: virtual time costs nothing).
 *
 * <p>Requests are built exactly as the HTTP layer builds them ({@link GenRequest#of}), in arrival
 * order, and go through the same scheduling loop as a live server's, so a run predicts what a
 * client on a quiet loopback would observe of the engine, minus network and rendering time.
 * The result is a pure function of the profile and the workload: two runs are identical.
 *
 * <p>Not simulated offline: injected faults, {@code max_concurrent_requests} refusals (a workload
 * with more clients than the profile admits is rejected up front), client disconnects.
 *
 * <pre>{@code
 * OfflineRun.Result r = OfflineRun.run(Profiles.get("tgi-fast"),
 *     OfflineRun.Workload.closedLoop(20, 64, 128).requests(5));
 * r.requests().get(0).tokenNanos();   // every token of the first request, virtual ns
 * }</pre>
 */
public final class OfflineRun {

  private OfflineRun() {}

  /**
   * What the clients do.
   *
   * @param clients closed-loop clients, all started at virtual time 0 unless {@code startSpread} spreads them
   * @param requestsPerClient requests each client sends; 0 = no count limit (then {@code duration} must be set)
   * @param duration no client sends a request at or after this virtual instant; null = no time limit
   * @param inputTokens prompt length of every request
   * @param maxNewTokens {@code max_new_tokens} of every request; null = "auto" (the profile's output model)
   * @param startSpread client i starts at {@code i × startSpread / clients}
   * @param thinkTime pause between a response's end and the same client's next request
   * @param seed seeds the token texts, as a server's {@code --seed} does
   */
  public record Workload(
      int clients, int requestsPerClient, Duration duration, int inputTokens, Integer maxNewTokens,
      Duration startSpread, Duration thinkTime, long seed) {

    public Workload {
      Objects.requireNonNull(startSpread, "startSpread");
      Objects.requireNonNull(thinkTime, "thinkTime");
      if (clients < 1) throw new IllegalArgumentException("clients must be >= 1, got " + clients);
      if (requestsPerClient < 0) throw new IllegalArgumentException("requests per client must be >= 0, got " + requestsPerClient);
      if (requestsPerClient == 0 && duration == null) {
        throw new IllegalArgumentException("a workload needs a request count per client or a duration (or both)");
      }
      if (duration != null && (duration.isNegative() || duration.isZero())) {
        throw new IllegalArgumentException("duration must be > 0, got " + duration);
      }
      if (startSpread.isNegative() || thinkTime.isNegative()) {
        throw new IllegalArgumentException("startSpread and thinkTime must not be negative");
      }
      if (inputTokens < 1) throw new IllegalArgumentException("input tokens must be >= 1, got " + inputTokens);
      if (maxNewTokens != null && maxNewTokens < 1) {
        throw new IllegalArgumentException("max new tokens must be >= 1, got " + maxNewTokens);
      }
    }

    /** {@code clients} closed-loop clients sending one request each; refine with the other methods. */
    public static Workload closedLoop(int clients, int inputTokens, Integer maxNewTokens) {
      return new Workload(clients, 1, null, inputTokens, maxNewTokens, Duration.ZERO, Duration.ZERO, 0);
    }

    public Workload requests(int perClient) {
      return new Workload(clients, perClient, duration, inputTokens, maxNewTokens, startSpread, thinkTime, seed);
    }

    /** Clients stop sending at this virtual instant (and send without a count limit unless {@link #requests} set one after). */
    public Workload forDuration(Duration d) {
      return new Workload(clients, 0, d, inputTokens, maxNewTokens, startSpread, thinkTime, seed);
    }

    public Workload startSpread(Duration d) {
      return new Workload(clients, requestsPerClient, duration, inputTokens, maxNewTokens, d, thinkTime, seed);
    }

    public Workload thinkTime(Duration d) {
      return new Workload(clients, requestsPerClient, duration, inputTokens, maxNewTokens, startSpread, d, seed);
    }

    public Workload seed(long s) {
      return new Workload(clients, requestsPerClient, duration, inputTokens, maxNewTokens, startSpread, thinkTime, s);
    }
  }

  /** How a request ended. */
  public enum Outcome {
    /** All its tokens and its tail. */
    OK,
    /** The engine reported an error. */
    ERROR,
    /** Still running when the engine stopped (does not happen in a normal run). */
    INCOMPLETE
  }

  /**
   * One request as the engine served it, virtual nanoseconds.
   *
   * @param client which client sent it (0-based)
   * @param ordinal arrival order on the server (0-based), as the profile's output model sees it
   * @param submitNanos arrival at the server
   * @param admittedNanos when it joined the running batch (-1 if never)
   * @param tokenNanos each token's emission instant, in order
   * @param endNanos when its response ended (after any tail; -1 if it did not)
   * @param endsWithEos whether its last token is EOS
   * @param outcome how it ended
   */
  public record RequestTrace(
      int client, long ordinal, long submitNanos, long admittedNanos, long[] tokenNanos, long endNanos,
      boolean endsWithEos, Outcome outcome) {

    public int tokens() {
      return tokenNanos.length;
    }

    public long firstTokenNanos() {
      return tokenNanos[0];
    }

    public long lastTokenNanos() {
      return tokenNanos[tokenNanos.length - 1];
    }

    /** Time to first token (first token − submit). */
    public long ttftNanos() {
      return firstTokenNanos() - submitNanos;
    }

    /** e2e as barrage defines it: last token − submit. */
    public long e2eNanos() {
      return lastTokenNanos() - submitNanos;
    }

    /** The SageMaker benchmark's latency per token (barrage's ntpot): e2e / tokens, in ms. */
    public double msPerToken() {
      return e2eNanos() / 1e6 / tokens();
    }

    /** Time spent before joining the batch (validation included). */
    public long queueNanos() {
      return admittedNanos - submitNanos;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof RequestTrace t && client == t.client && ordinal == t.ordinal && submitNanos == t.submitNanos
          && admittedNanos == t.admittedNanos && Arrays.equals(tokenNanos, t.tokenNanos) && endNanos == t.endNanos
          && endsWithEos == t.endsWithEos && outcome == t.outcome;
    }

    @Override
    public int hashCode() {
      return Objects.hash(client, ordinal, submitNanos, admittedNanos, Arrays.hashCode(tokenNanos), endNanos, outcome);
    }

    @Override
    public String toString() {
      return "RequestTrace[client=" + client + ", ordinal=" + ordinal + ", submit=" + submitNanos + ", admitted="
          + admittedNanos + ", tokens=" + tokenNanos.length + ", end=" + endNanos + ", " + outcome + "]";
    }
  }

  /**
   * Figures over a window of virtual time.
   *
   * @param requests requests submitted inside the window that completed
   * @param tokens tokens emitted inside the window (by anyone)
   * @param tokensPerSecond {@code tokens} per second of the window
   * @param medianMsPerToken median of e2e / tokens over {@code requests}
   * @param medianTtftMs median time to first token over {@code requests}
   * @param medianQueueMs median time before joining the batch over {@code requests}
   */
  public record Summary(
      int requests, long tokens, double tokensPerSecond, double medianMsPerToken, double medianTtftMs,
      double medianQueueMs) {}

  /**
   * What happened.
   *
   * @param profile the profile as run (time scale 1)
   * @param workload what the clients did
   * @param requests every request, in arrival order
   * @param endNanos the virtual instant the last response ended
   * @param maxBatchSize the largest running batch
   * @param prefillSteps forward steps that prefilled
   * @param decodeSteps forward steps that decoded
   */
  public record Result(
      Profile profile, Workload workload, List<RequestTrace> requests, long endNanos, int maxBatchSize,
      long prefillSteps, long decodeSteps) {

    /** Tokens emitted in [{@code fromNanos}, {@code toNanos}). */
    public long tokensBetween(long fromNanos, long toNanos) {
      long n = 0;
      for (RequestTrace r : requests) {
        for (long t : r.tokenNanos()) if (t >= fromNanos && t < toNanos) n++;
      }
      return n;
    }

    /** All tokens of all requests. */
    public long totalTokens() {
      long n = 0;
      for (RequestTrace r : requests) n += r.tokens();
      return n;
    }

    /** Figures over [{@code fromNanos}, {@code toNanos}): throughput of the window, medians of the requests sent in it. */
    public Summary summarize(long fromNanos, long toNanos) {
      if (toNanos <= fromNanos) throw new IllegalArgumentException("empty window");
      List<RequestTrace> in = select(r -> r.submitNanos() >= fromNanos && r.submitNanos() < toNanos
          && r.outcome() == Outcome.OK);
      long tokens = tokensBetween(fromNanos, toNanos);
      return new Summary(in.size(), tokens, tokens / ((toNanos - fromNanos) / 1e9),
          median(in, RequestTrace::msPerToken),
          median(in, r -> r.ttftNanos() / 1e6),
          median(in, r -> r.queueNanos() / 1e6));
    }

    /** The requests that match. */
    public List<RequestTrace> select(Predicate<RequestTrace> which) {
      List<RequestTrace> out = new ArrayList<>();
      for (RequestTrace r : requests) if (which.test(r)) out.add(r);
      return out;
    }

    private static double median(List<RequestTrace> rs, java.util.function.ToDoubleFunction<RequestTrace> f) {
      if (rs.isEmpty()) return Double.NaN;
      double[] v = new double[rs.size()];
      for (int i = 0; i < v.length; i++) v[i] = f.applyAsDouble(rs.get(i));
      Arrays.sort(v);
      int m = v.length / 2;
      return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }
  }

  /**
   * Runs {@code workload} against {@code profile} in virtual time and returns every request's
   * trace. Bad input (a prompt longer than the profile admits, more clients than
   * {@code max_concurrent_requests}) is an {@link IllegalArgumentException} that says what is wrong.
   */
  public static Result run(Profile profile, Workload workload) {
    Profile p = profile.withTimeScale(1);
    check(p, workload);
    Driver driver = new Driver(p, workload);
    return driver.run();
  }

  private static void check(Profile p, Workload w) {
    Profile.Limits l = p.limits();
    if (l.maxConcurrentRequests() > 0 && w.clients() > l.maxConcurrentRequests()) {
      throw new IllegalArgumentException(w.clients() + " clients exceed max_concurrent_requests " + l.maxConcurrentRequests()
          + " of profile " + p.name() + " (a live server would refuse the excess with 429)");
    }
    if (w.inputTokens() > l.maxInputTokens()) {
      throw new IllegalArgumentException("input tokens " + w.inputTokens() + " exceed max_input_tokens "
          + l.maxInputTokens() + " of profile " + p.name());
    }
    int segment = w.maxNewTokens() == null ? 1 : Math.min(w.maxNewTokens(), GenRequest.SEGMENT);
    if (w.inputTokens() + segment > l.maxTotalTokens()) {
      throw new IllegalArgumentException("input tokens + max new tokens (" + w.inputTokens() + " + " + segment
          + ") exceed max_total_tokens " + l.maxTotalTokens() + " of profile " + p.name());
    }
  }

  /** The clients; everything runs on the caller's thread, inside the engine's loop. */
  private static final class Driver {
    final Profile profile;
    final Workload w;
    final VirtualClock clock = new VirtualClock();
    final Engine engine;
    final int[] sent;
    final List<Recording> recordings = new ArrayList<>();
    final long stopAt;
    final long thinkNanos;

    Driver(Profile profile, Workload w) {
      this.profile = profile;
      this.w = w;
      this.engine = Engine.virtual(profile, clock);
      this.sent = new int[w.clients()];
      this.stopAt = w.duration() == null ? Long.MAX_VALUE : w.duration().toNanos();
      this.thinkNanos = w.thinkTime().toNanos();
    }

    Result run() {
      long spread = w.startSpread().toNanos();
      for (int c = 0; c < w.clients(); c++) {
        int client = c;
        engine.at(spread * c / w.clients(), () -> send(client));
      }
      long end;
      try {
        end = engine.runUntilIdle();
      } finally {
        engine.close();
      }
      List<RequestTrace> traces = new ArrayList<>(recordings.size());
      for (Recording r : recordings) traces.add(r.trace());
      return new Result(profile, w, Collections.unmodifiableList(traces), end, engine.maxBatchSize(),
          engine.prefillSteps(), engine.decodeSteps());
    }

    void send(int client) {
      long now = clock.now();
      if (now >= stopAt) return;
      if (w.requestsPerClient() > 0 && sent[client] >= w.requestsPerClient()) return;
      sent[client]++;
      long ordinal = recordings.size();
      GenRequest gen = GenRequest.of(profile, ordinal, w.inputTokens(), w.maxNewTokens(),
          GenRequest.seedFor(w.seed(), ordinal), GenRequest.RequestFaults.NONE);
      Recording rec = new Recording(client, ordinal, now, gen);
      recordings.add(rec);
      engine.submit(gen, now, rec);
    }

    void next(int client, long endedAt) {
      if (thinkNanos == 0) {
        send(client);
      } else {
        engine.at(endedAt + thinkNanos, () -> send(client));
      }
    }

    /** One request's sink: records its instants and starts the client's next request. */
    final class Recording implements TokenSink {
      final int client;
      final long ordinal;
      final long submit;
      final GenRequest gen;
      final long[] tokens;
      int count;
      long admitted = -1;
      long end = -1;
      Outcome outcome = Outcome.INCOMPLETE;

      Recording(int client, long ordinal, long submit, GenRequest gen) {
        this.client = client;
        this.ordinal = ordinal;
        this.submit = submit;
        this.gen = gen;
        this.tokens = new long[gen.outputTokens()];
      }

      @Override
      public void onAdmitted(long nanos) {
        admitted = nanos;
      }

      @Override
      public void onToken(Token token, long nanos) {
        tokens[count++] = nanos;
      }

      @Override
      public void onFinished(long nanos) {
        end = nanos;
        outcome = Outcome.OK;
        next(client, nanos);
      }

      @Override
      public void onError(String message, ErrorKind kind, long nanos) {
        end = nanos;
        outcome = outcome == Outcome.INCOMPLETE && kind == ErrorKind.INCOMPLETE
            ? Outcome.INCOMPLETE : Outcome.ERROR;
        if (outcome == Outcome.ERROR) next(client, nanos);
      }

      RequestTrace trace() {
        return new RequestTrace(client, ordinal, submit, admitted, Arrays.copyOf(tokens, count), end, gen.endsWithEos(),
            outcome);
      }
    }
  }
}
