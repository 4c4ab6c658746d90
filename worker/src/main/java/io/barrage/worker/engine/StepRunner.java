package io.barrage.worker.engine;

import io.barrage.protocol.metrics.ErrorClass;
import io.barrage.protocol.metrics.IntervalReport;
import io.barrage.protocol.plan.Load;
import io.barrage.protocol.plan.LoadShare;
import io.barrage.protocol.plan.RampProfile;
import io.barrage.protocol.scenario.StepSpec;
import io.barrage.protocol.scenario.Timeouts;
import io.barrage.worker.client.ApiClient;
import io.barrage.worker.client.AuthHeader;
import io.barrage.worker.client.RequestTrace;
import io.barrage.worker.client.Transport;
import io.barrage.worker.prompt.Tokenizers;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one worker's share of one cell. Closed loop: {@code share.streams()} virtual users numbered
 * from {@code share.firstStream()}, each sending its next request when its previous one ends (the
 * intended send time of the next is the end of the previous). Open loop: one pacer thread walks the
 * cell's global arrival schedule and sends the arrivals of this worker's slice at their intended
 * times, so that a slow server or a slow generator shows as {@code ttftSched} / {@code sendLag}
 * instead of vanishing (coordinated omission). Warmup is decided by intended start time.
 *
 * <p>When the target cannot be reached: a closed-loop user whose request failed to connect waits
 * ({@link Backoff}: doubling, jittered, at most about 1 s) before its next request, whose intended
 * start is the end of that wait; a successful connect resets the wait. Open-loop arrivals keep their
 * schedule, one connection attempt each: the arrival rate already bounds the attempts, and every
 * arrival that could not be sent is a real failed request of that load.
 */
final class StepRunner implements RunningStep {
  private static final Logger log = LoggerFactory.getLogger(StepRunner.class);

  private final StepRequest req;
  private final TransportFactory transports;
  private final EngineSettings settings;
  private final Consumer<RequestTrace> listener;
  private final Runnable onDone;
  private final Tokenizers tokenizers;
  private final StepRecorder recorder;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final RequestQuota quota = new RequestQuota();
  private final AtomicLong ids = new AtomicLong();
  private final ConcurrentHashMap<Integer, VirtualUser> users = new ConcurrentHashMap<>();
  private final AtomicInteger activeUsers = new AtomicInteger();
  private final String idPrefix;
  private final long seed;
  private final boolean closedLoop;
  /** The ramp of a {@code load.stages} cell, null for a fixed level. */
  private final Load.Ramp ramp;
  private final RampProfile rampProfile;
  private volatile LoadShare share;
  private final ConcurrentLinkedQueue<Transport.Lane> idleLanes = new ConcurrentLinkedQueue<>();
  private final AtomicInteger openLanes = new AtomicInteger();
  private volatile Transport transport;
  private volatile boolean stopping;
  private volatile boolean pacerDone;
  private ApiClient api;
  private PromptSource prompts;
  private Timeouts timeouts;
  /** Multi-turn sessions and trace replay (null for other steps). */
  private TrafficRecorder traffic;
  private TraceReplay replay;
  private Optional<AuthHeader> auth = Optional.empty();
  private long startNanos, warmupEndNanos, endNanos;

  StepRunner(StepRequest req, TransportFactory transports, EngineSettings settings,
      Consumer<RequestTrace> listener, Runnable onDone) {
    this(req, transports, settings, listener, onDone, new Tokenizers());
  }

  /** @param tokenizers the worker's tokenizers, kept across steps */
  StepRunner(StepRequest req, TransportFactory transports, EngineSettings settings,
      Consumer<RequestTrace> listener, Runnable onDone, Tokenizers tokenizers) {
    this.tokenizers = tokenizers;
    this.req = req;
    this.transports = transports;
    this.settings = settings;
    this.listener = listener;
    this.onDone = onDone;
    this.share = req.share();
    this.recorder = new StepRecorder(req.workerId(), req.cell().id(), req.goodput());
    this.seed = req.workload().seedOrDefault();
    this.ramp = req.cell().load() instanceof Load.Ramp r ? r : null;
    this.rampProfile = ramp == null ? null : new RampProfile(ramp.stages());
    this.closedLoop = req.cell().load() instanceof Load.Concurrency || ramp != null && ramp.closedLoop();
    this.idPrefix = req.cell().index() + "-" + req.workerId().replaceAll("[^A-Za-z0-9._-]", "_") + "-";
  }

  /** Prepares everything that can fail (secret, dataset, template), then starts the pacer thread. */
  StepRunner start() {
    try {
      api = ApiClient.of(req.target());
      auth = AuthHeader.resolve(req.target().auth(), req.baseDir(), api.uri(), settings.targetSecrets());
      if (req.cell().load() instanceof Load.Trace tr) {
        // a trace brings its own lengths: its prompts come from TraceReplay, not workload.prompt
        replay = TraceReplay.of(req.workload().load().trace(), tr, req.baseDir(), seed);
        traffic = new TrafficRecorder(0);
      } else {
        if (req.workload().prompt().tokenizer() == null) prompts = PromptSource.of(req.workload().prompt(), req.baseDir()).checkedForSessions(req.workload());
        api.exactOutput(req.workload().prompt().exactOutputOrDefault());
      }
      if (req.workload().session() != null) traffic = new TrafficRecorder(req.workload().session().turns());
      timeouts = req.workload().timeoutsOrDefaults();
      transport = transports.create(api, auth, timeouts, req.target().tls(), req.baseDir());
      transport.connectionEvents(recorder::connected);
      auth.ifPresent(a -> recorder.redactWith(a::redact));
    } catch (RuntimeException e) {
      log.warn("step {} cannot start: {}", req.cell().id(), e.getMessage());
      pacerDone = true;
      done.completeExceptionally(e);
      onDone.run();
      return this;
    }
    long nowMs = System.currentTimeMillis();
    long delayNs = Math.max(0, (req.startAtEpochMs() - nowMs) * 1_000_000L);
    startNanos = System.nanoTime() + delayNs;
    // a ramp's first report starts when this worker's part of it starts: the coordinator aligns the
    // per-second series on it and names a worker that started late (RampStarts)
    if (ramp != null) recorder.firstIntervalStartsAt(Math.max(nowMs, req.startAtEpochMs()));
    StepSpec step = req.workload().step();
    warmupEndNanos = startNanos + step.warmupOrZero().toNanos();
    endNanos = step.duration() == null ? Long.MAX_VALUE : startNanos + step.duration().toNanos();
    if (replay != null) traffic.offeredAt(replay.dueInstants(share, startNanos, warmupEndNanos, endNanos));
    Runnable run = closedLoop ? this::launchUsers : this::pace;
    boolean ready = prompts != null || replay != null && (req.workload().prompt() == null || req.workload().prompt().tokenizer() == null);
    Thread t = new Thread(ready ? run : () -> prepareThen(run), "barrage-step-" + req.cell().index());
    t.setDaemon(true);
    t.setPriority(Thread.MAX_PRIORITY);
    t.start();
    return this;
  }

  /**
   * Readies the scenario's tokenizer, the exact prompts and the dataset's lengths before the step
   * sends (a target's /tokenize is asked here, never during the cell), then runs the step; a step
   * whose prompts cannot be prepared fails with the reason.
   */
  private void prepareThen(Runnable run) {
    try {
      long t0 = System.nanoTime();
      prompts = StepPrompts.prepare(req, tokenizers, transports, auth, api, replay, seed); // null for a trace replay
      if (prompts != null) prompts.checkedForSessions(req.workload());
      long ms = (System.nanoTime() - t0) / 1_000_000;
      if (System.nanoTime() > startNanos) log.warn("step {}: preparing its prompts took {} ms, past the cell's start", req.cell().id(), ms);
    } catch (RuntimeException e) {
      log.warn("step {} cannot start: {}", req.cell().id(), e.getMessage());
      pacerDone = true;
      done.completeExceptionally(e);
      onDone.run();
      return;
    }
    run.run();
  }

  // ---- closed loop ----

  private final class VirtualUser {
    final int stream;
    /** This user's connection for the whole step: N users, N connections. */
    final Transport.Lane lane;
    final Consumer<RequestTrace> then = this::after;
    /** The conversation it holds (multi-turn sessions), else null. */
    final Conversation conv;
    long n;
    /** Failed connection attempts in a row (reset by any request whose connection came up). */
    int connectFailures;
    volatile boolean retired;

    VirtualUser(int stream) {
      this.stream = stream;
      this.lane = transport.lane();
      this.conv = req.workload().session() == null ? null : new Conversation(req.workload().session(), Seeds.of(seed, stream, 0x7C1CL));
    }

    void next(long tSched) {
      LoadShare s = share;
      if (retired || stopping || !member(stream, s) || System.nanoTime() >= endNanos) {
        retire();
        return;
      }
      if (conv != null) {
        nextTurn(s, tSched);
        return;
      }
      boolean measured = tSched >= warmupEndNanos;
      if (measured && s.requestQuota() >= 0 && !quota.claimOne(s.requestQuota())) {
        retire();
        return;
      }
      long key = Seeds.closedLoop(seed, stream, n++);
      // runs on the event loop that read the previous response: no hop between two requests
      sendPrompt(lane, key, prompts.prompt(key), null, tSched, measured, then);
    }

    /**
     * The next turn of this user's conversation. A new session claims all its turns at once (a dataset
     * conversation's, at most {@code session.turns}), never past the quota: the worker sends exactly its quota.
     */
    void nextTurn(LoadShare s, long tSched) {
      if (conv.idle()) {
        boolean measured = tSched >= warmupEndNanos;
        // the session's first request key picks its conversation, as it would pick a dataset entry
        List<PromptSource.Prompt> script = prompts.conversation(Seeds.closedLoop(seed, stream, n), conv.maxTurns());
        int turns = script == null ? conv.maxTurns() : script.size();
        if (measured && s.requestQuota() >= 0) turns = quota.claim(turns, s.requestQuota());
        if (turns == 0) {
          retire();
          return;
        }
        conv.begin(tSched, measured, turns, script);
        traffic.sessionStarted();
      }
      long key = Seeds.closedLoop(seed, stream, n++);
      PromptSource.Prompt p = conv.script() == null ? prompts.prompt(key) : prompts.turn(conv.script(), conv.turn(), key);
      sendPrompt(lane, key, p, conv, tSched, conv.measured(), then);
    }

    /** A turn ended: the session goes on after a think time, ends, or fails (and the next one starts). */
    void afterTurn(RequestTrace t) {
      if (t.ok()) {
        if (conv.measured()) traffic.turn(conv.turn(), t.tFirst >= 0 ? t.tFirst - t.tSend : -1, t.tLast >= 0 ? t.tLast - t.tSend : -1);
        if (conv.answered(t.replyText == null ? "" : t.replyText.toString())) {
          traffic.sessionCompleted(conv.measured(), t.tEnd - conv.startNanos());
          conv.reset();
          next(t.tEnd);
          return;
        }
        long think = conv.thinkNanos();
        if (think <= 0) {
          next(t.tEnd);
          return;
        }
        nextAfter(think, t.tEnd + think);
        return;
      }
      traffic.sessionFailed();
      // the session's turns after the failed one were claimed but will never be sent: they go back
      // to the quota, so another session sends them and the step still sends exactly its requests
      if (conv.measured() && share.requestQuota() >= 0) quota.giveBack(conv.turns() - conv.turn());
      conv.reset();
      afterRequest(t);
    }

    /** The previous request ended: the next one goes now, or after a back-off when it could not connect. */
    void after(RequestTrace t) {
      if (conv != null) afterTurn(t);
      else afterRequest(t);
    }

    void afterRequest(RequestTrace t) {
      if (t.error != ErrorClass.CONNECT) {
        connectFailures = 0;
        next(t.tEnd);
        return;
      }
      long delay = Backoff.delayNanos(++connectFailures, ThreadLocalRandom.current().nextDouble());
      nextAfter(delay, t.tEnd + delay);
    }

    /** The next request {@code delay} from now, due at {@code at}; past the step's end the user retires. */
    void nextAfter(long delay, long at) {
      if (stopping || retired || at >= endNanos) {
        retire();
        return;
      }
      // runs on the JDK's delay thread itself (next only hands the request to an event loop): a retry
      // never waits for a free thread of the shared common pool, which a blocked caller may hold
      CompletableFuture.delayedExecutor(delay, TimeUnit.NANOSECONDS, Runnable::run).execute(() -> next(at));
    }

    void retire() {
      if (users.remove(stream, this)) {
        retired = true;
        lane.close();
        activeUsers.decrementAndGet();
        checkDone();
      }
    }
  }

  /**
   * Whether virtual user {@code stream} belongs to this worker now: a fixed level's users form one
   * range per worker; a ramp's users are dealt round-robin over the slices, and user {@code g} is
   * active while {@code g} is below the ramp's level now (rounded down), so the workers' users add
   * up to the level at every instant.
   */
  private boolean member(int stream, LoadShare s) {
    if (ramp == null) return stream >= s.firstStream() && stream < s.firstStream() + s.streams();
    return s.sliceCount() > 0 && stream % s.sliceCount() == s.sliceIndex() && stream < rampUsers(System.nanoTime());
  }

  private int rampUsers(long nanos) {
    return (int) Math.floor(rampProfile.level(Math.max(0, nanos - startNanos) / 1e9) + 1e-9);
  }

  /**
   * A closed-loop ramp: every 10 ms, starts this worker's users below the level that are not
   * running. Users above it retire when their request in flight ends (a ramp down lets requests
   * finish, as k6's graceful ramp-down does).
   */
  private void rampUsers() {
    parkUntil(startNanos);
    while (!stopping) {
      long now = System.nanoTime();
      if (now >= endNanos) break;
      LoadShare s = share;
      int level = rampUsers(now);
      List<VirtualUser> started = new ArrayList<>();
      for (int g = s.sliceIndex(); s.sliceCount() > 0 && g < level && !stopping; g += s.sliceCount()) {
        if (!users.containsKey(g)) admit(g, started);
      }
      for (VirtualUser u : started) u.next(now);
      parkUntil(Math.min(endNanos, now + 10_000_000L));
    }
    pacerDone = true;
    checkDone();
  }

  private void launchUsers() {
    if (ramp != null) {
      rampUsers();
      return;
    }
    parkUntil(startNanos);
    LoadShare s = share;
    startUsers(s.firstStream(), s.firstStream() + s.streams());
    pacerDone = true;
    // A resize that ran while the users above were starting saw pacerDone still false and left
    // the starting to us: resize writes share then reads pacerDone, we write pacerDone then read
    // share (both volatile), so one of the two always sees the other's write.
    LoadShare now = share;
    if (now != s && !stopping) startUsers(now.firstStream(), now.firstStream() + now.streams());
    checkDone();
  }

  private void startUsers(int from, int to) {
    List<VirtualUser> started = new ArrayList<>();
    for (int g = from; g < to && !stopping; g++) admit(g, started);
    long tSched = System.nanoTime(); // every user is due now; the launch loop's own time shows as send lag
    for (VirtualUser u : started) u.next(tSched);
  }

  /** Makes virtual user {@code g} and adds it to {@code started}, unless that user is already running. */
  private void admit(int g, List<VirtualUser> started) {
    VirtualUser u = new VirtualUser(g);
    if (users.putIfAbsent(g, u) != null) return;
    activeUsers.incrementAndGet();
    started.add(u);
  }

  // ---- open loop ----

  private void pace() {
    ArrivalTimes schedule = ArrivalTimes.of(req.cell().load(), rampProfile, replay, seed);
    while (!stopping) {
      long i = schedule.next();
      if (schedule.offsetNanos() == ArrivalTimes.NEVER) break;
      LoadShare s = share;
      if (s.sliceCount() <= 0 || i % s.sliceCount() != s.sliceIndex()) continue;
      long tSched = startNanos + schedule.offsetNanos();
      if (tSched >= endNanos) break;
      boolean measured = tSched >= warmupEndNanos;
      if (measured && s.requestQuota() >= 0 && !quota.claimOne(s.requestQuota())) break;
      parkUntil(tSched);
      if (stopping) break;
      Transport.Lane lane = idleLanes.poll();
      if (lane == null && openLanes.incrementAndGet() <= settings.openLoopMaxConnections()) lane = transport.lane();
      else if (lane == null) openLanes.decrementAndGet();
      if (lane == null) {
        refuse(tSched, measured, "more than " + settings.openLoopMaxConnections() + " requests in flight (open-loop-max-connections)");
        continue;
      }
      Transport.Lane l = lane;
      long key = Seeds.openLoop(seed, i);
      sendPrompt(l, key, replay != null ? replay.prompt(i) : prompts.prompt(key), null, tSched, measured, t -> release(l));
    }
    pacerDone = true;
    checkDone();
  }

  private void parkUntil(long deadline) {
    long now;
    while ((now = System.nanoTime()) < deadline && !stopping) LockSupport.parkNanos(Math.min(deadline - now, 50_000_000L));
  }

  // ---- both ----

  /** Sends {@code p} (as the next turn of {@code conv} when that is not null). */
  private void sendPrompt(Transport.Lane lane, long key, PromptSource.Prompt p, Conversation conv, long tSched, boolean measured,
      Consumer<RequestTrace> then) {
    int mnt = p.maxNewTokens() != null ? p.maxNewTokens() : req.cell().maxNewTokens();
    String id = idPrefix + ids.incrementAndGet();
    long requestSeed = Seeds.of(seed, key, 7);
    byte[] body = conv == null ? api.body(p.text(), mnt, requestSeed) : api.chatBody(conv.messages(p.text()), mnt, requestSeed);
    // room for every token event up front (TGI: one per token, plus slack), capped for huge limits
    RequestTrace trace = new RequestTrace(id, tSched, measured, Math.min(mnt + 2, 4096));
    if (conv != null) trace.replyText = new StringBuilder();
    recorder.watchArrivals(trace);
    inFlight.incrementAndGet();
    lane.send(id, body, trace, recorder::sent, t -> {
      recorder.finished(t);
      listener.accept(t);
      inFlight.decrementAndGet();
      then.accept(t);
      checkDone();
    });
  }

  /** An arrival the generator could not send (no free connection): a {@code client} error, never silently dropped. */
  private void refuse(long tSched, boolean measured, String why) {
    RequestTrace t = new RequestTrace(idPrefix + ids.incrementAndGet(), tSched, measured);
    long now = System.nanoTime();
    t.tSend = now;
    t.failAndFinish(ErrorClass.CLIENT, why, now);
    recorder.sent(t);
    recorder.finished(t);
    listener.accept(t);
  }

  private void release(Transport.Lane lane) {
    if (done.isDone() || stopping) {
      lane.close();
      openLanes.decrementAndGet();
    } else {
      idleLanes.add(lane);
    }
  }

  private void checkDone() {
    if (pacerDone && activeUsers.get() == 0 && inFlight.get() == 0 && !done.isDone()) {
      if (done.complete(null)) {
        Transport.Lane l;
        while ((l = idleLanes.poll()) != null) l.close();
        onDone.run();
      }
    }
  }

  @Override
  public IntervalReport drainInterval() {
    boolean last = done.isDone();
    IntervalReport r = recorder.drain(inFlight.get(), last);
    if (traffic == null) return r;
    return new IntervalReport(r.workerId(), r.cellId(), r.sequence(), r.startEpochMs(), r.endEpochMs(), r.histograms(),
        r.counters(), r.last(), traffic.drain(System.nanoTime()));
  }

  @Override
  public CompletionStage<Void> done() {
    return done;
  }

  @Override
  public void stop() {
    stopping = true;
    for (VirtualUser u : users.values()) u.retire();
    checkDone();
  }

  @Override
  public void resize(LoadShare newShare) {
    LoadShare old = share;
    share = newShare;
    if (!closedLoop || ramp != null) return; // a ramp's users follow the new slice at their next request and the ramp's next tick
    for (VirtualUser u : users.values()) {
      if (u.stream < newShare.firstStream() || u.stream >= newShare.firstStream() + newShare.streams()) u.retired = true;
    }
    if (pacerDone && !stopping) {
      CompletableFuture.runAsync(() -> startUsers(newShare.firstStream(), newShare.firstStream() + newShare.streams()));
    }
  }

  @Override
  public int inFlight() {
    return inFlight.get();
  }

  StepRecorder recorder() {
    return recorder;
  }
}
