package io.barrage.coordinator.telemetry;

import io.barrage.common.prometheus.Exposition;
import io.barrage.common.prometheus.PrometheusTextException;
import io.barrage.common.prometheus.PrometheusTextParser;
import io.barrage.protocol.results.ServerTelemetry;
import io.barrage.protocol.scenario.Auth;
import io.barrage.protocol.scenario.MetricsSpec;
import io.barrage.protocol.scenario.Scenario;
import io.barrage.protocol.scenario.Target;
import io.barrage.protocol.scenario.TargetSecrets;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scrapes each target's metrics endpoints while its cells run (docs/telemetry.md): the serving
 * stack's (its api kind's default path, or {@code targets[].metrics.url}) and optionally its GPUs' DCGM
 * exporters ({@code metrics.dcgm}, or one per node in {@code metrics.dcgmExporters}, combined per
 * round of scrapes by {@link GpuCombination}). A cell's scrapes begin with one when the cell is started (the
 * workers start {@code start-delay} later, so it sees the server before the cell's first request),
 * go on every {@code metrics.interval}, and end with one when the cell is closed (after its last
 * answer), so counter deltas over the cell are exact.
 *
 * <p>Nothing here can fail a run: a scrape that fails (refused, timed out, not 200, a body over the
 * bound, text that breaks the format) is counted as a missing sample of its endpoint with its error,
 * and the run goes on. Plain Java on its own daemon threads; the run's actor only calls
 * {@link #cellStarted}, {@link #cellEnded} and {@link #forCell}, which never block.
 */
public final class RunTelemetry implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RunTelemetry.class);
  /** The shortest time a scrape is given; a longer interval gives it the interval (at most 10 s). */
  static final Duration MIN_TIMEOUT = Duration.ofSeconds(2);
  private static final int ERRORS_KEPT = 3;

  private final Map<String, Plan> plans = new HashMap<>();
  private final Map<String, CellScrape> cells = new LinkedHashMap<>();
  private final ScheduledExecutorService timer;
  private final ExecutorService io;
  private final MetricsFetch fetch;
  private final Duration minTimeout;

  /** For a run: the deployment's secrets rule, the process environment, the default bounds. */
  public static RunTelemetry start(Scenario scenario) {
    return new RunTelemetry(scenario, TargetSecrets.fromEnvironment(), System::getenv, MetricsFetch.DEFAULT_MAX_BODY_BYTES, MIN_TIMEOUT);
  }

  RunTelemetry(Scenario scenario, TargetSecrets secrets, Function<String, String> env, int maxBodyBytes, Duration minTimeout) {
    this.minTimeout = minTimeout;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "barrage-telemetry-timer"));
    this.io = Executors.newFixedThreadPool(2, r -> daemon(r, "barrage-telemetry-io"));
    this.fetch = new MetricsFetch(io, maxBodyBytes);
    for (Target t : scenario.targets()) {
      Plan p = Plan.of(t, secrets, env);
      if (p != null) plans.put(t.name(), p);
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** A cell of {@code target} is starting: its first scrape now, then one every interval. */
  public synchronized void cellStarted(String cellId, String target) {
    Plan plan = plans.get(target);
    if (plan == null || cells.containsKey(cellId)) return;
    CellScrape c = new CellScrape(plan);
    cells.put(cellId, c);
    c.boundary();
    long every = plan.interval.toMillis();
    c.periodic = timer.scheduleAtFixedRate(c::tick, every, every, TimeUnit.MILLISECONDS);
  }

  /** The cell's last answer is in: its last scrape now. */
  public synchronized void cellEnded(String cellId) {
    CellScrape c = cells.get(cellId);
    if (c == null || c.ended) return;
    c.ended = true;
    if (c.periodic != null) c.periodic.cancel(false);
    c.boundary();
  }

  /** What was scraped for the cell so far; null when its target is not scraped. */
  public synchronized ServerTelemetry forCell(String cellId) {
    CellScrape c = cells.get(cellId);
    return c == null ? null : c.record();
  }

  /** Completes when every scrape started so far has ended (each is bounded by its timeout). */
  public synchronized CompletableFuture<Void> drained() {
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (CellScrape c : cells.values()) {
      for (Endpoint e : c.endpoints) all.add(e.last);
      all.add(c.combinedLast());
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).exceptionally(e -> null);
  }

  @Override
  public synchronized void close() {
    for (CellScrape c : cells.values()) if (c.periodic != null) c.periodic.cancel(false);
    timer.shutdownNow();
    io.shutdownNow();
  }

  // ---- one target's endpoints

  /** What to scrape for one target. */
  record Plan(URI stack, List<MetricsSpec.DcgmExporter> dcgm, Duration interval, Map<String, String> stackHeaders, String credentialNote) {
    static Plan of(Target t, TargetSecrets secrets, Function<String, String> env) {
      MetricsSpec m = t.metrics();
      if (m != null && !m.on()) return null;
      String stackUrl = m != null && m.url() != null ? m.url() : MetricsSpec.defaultUrl(t);
      List<MetricsSpec.DcgmExporter> dcgm = m == null ? List.of() : m.exporters();
      if (stackUrl == null && dcgm.isEmpty()) return null;
      URI stack = stackUrl == null ? null : URI.create(stackUrl);
      Map<String, String> headers = new LinkedHashMap<>();
      String note = stack == null ? null : credential(t.auth(), stack, secrets, env, headers);
      return new Plan(stack, dcgm, m == null ? MetricsSpec.DEFAULT_INTERVAL : m.intervalOrDefault(),
          Map.copyOf(headers), note);
    }

    /**
     * The target's credential goes to its metrics endpoint only as ADR 0200 lets a worker send it
     * to a target: an {@code auth.env} secret whose variable may go to that host (and port).
     */
    private static String credential(Auth auth, URI uri, TargetSecrets secrets, Function<String, String> env, Map<String, String> out) {
      if (auth == null) return null;
      if (auth.env() == null) return "credential not sent: only auth.env credentials are sent to metrics endpoints (auth.file is read by the workers alone)";
      int port = uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
      String refusal = secrets.refusal(auth.env(), uri.getHost(), port);
      if (refusal != null) return "credential not sent: " + refusal;
      String secret = env.apply(auth.env());
      if (secret == null || secret.isEmpty()) return "credential not sent: environment variable " + auth.env() + " is not set on the coordinator";
      if (!secret.chars().allMatch(ch -> ch == '\t' || (ch >= 0x20 && ch < 0x7f))) {
        return "credential not sent: environment variable " + auth.env() + " holds characters a header cannot carry";
      }
      String header = auth.header() == null ? "Authorization" : auth.header();
      String scheme = auth.scheme() != null ? auth.scheme() : header.equalsIgnoreCase("Authorization") ? "Bearer" : null;
      out.put(header, scheme == null || scheme.isEmpty() ? secret : scheme + " " + secret);
      return "credential sent (auth.env " + auth.env() + " may go to " + uri.getHost() + ":" + port + ")";
    }
  }

  /** One endpoint's scrapes within one cell. Guarded by its cell's lock. */
  private final class Endpoint {
    final String kind;
    /** null for a node whose DCGM exporter discovery did not find */
    final URI uri;
    final Map<String, String> headers;
    final Duration timeout;
    /** a DCGM exporter's: its place in the combination, node and the target's pods there */
    final int gpuIndex;
    final String node;
    final List<String> pods;
    long attempts;
    long ok;
    DcgmReading lastGpu;
    final Set<String> errors = new LinkedHashSet<>();
    CompletableFuture<Void> last = CompletableFuture.completedFuture(null);

    Endpoint(String kind, URI uri, Map<String, String> headers, Duration interval) {
      this(kind, uri, headers, interval, -1, null, List.of());
    }

    Endpoint(String kind, URI uri, Map<String, String> headers, Duration interval, int gpuIndex, String node, List<String> pods) {
      this.kind = kind;
      this.uri = uri;
      this.headers = headers;
      this.gpuIndex = gpuIndex;
      this.node = node;
      this.pods = pods;
      long ms = Math.max(minTimeout.toMillis(), Math.min(interval.toMillis(), 10_000));
      this.timeout = Duration.ofMillis(ms);
    }

    void failed(String error) {
      if (errors.size() < ERRORS_KEPT) errors.add(error);
    }
  }

  private final class CellScrape {
    final Plan plan;
    final List<Endpoint> endpoints = new ArrayList<>();
    final List<ServerTelemetry.Sample> samples = new ArrayList<>();
    final GpuCombination gpus;
    String stack;
    Map<String, Double> raw = Map.of();
    ScheduledFuture<?> periodic;
    boolean ended;
    /** the last round's combination of the GPUs' readings, done after its scrapes */
    CompletableFuture<Void> combined = CompletableFuture.completedFuture(null);

    CellScrape(Plan plan) {
      this.plan = plan;
      if (plan.stack != null) endpoints.add(new Endpoint("stack", plan.stack, plan.stackHeaders, plan.interval));
      List<String> names = new ArrayList<>();
      for (MetricsSpec.DcgmExporter x : plan.dcgm) {
        URI u = x.url() == null ? null : URI.create(x.url());
        endpoints.add(new Endpoint("dcgm", u, Map.of(), plan.interval, names.size(), x.node(), x.pods()));
        names.add(x.node() != null ? x.node() : u == null ? "?" : shown(u));
      }
      // an exporter that misses a round counts with its last reading while a scrape of it may still be
      // under way (its timeout) and one interval more, at least two and a half intervals
      long timeout = Math.max(minTimeout.toMillis(), Math.min(plan.interval.toMillis(), 10_000));
      gpus = names.isEmpty() ? null : new GpuCombination(names, Math.max(plan.interval.toMillis() * 5 / 2, timeout + plan.interval.toMillis()));
    }

    /** A scrape of every endpoint that must happen: after any still running, never skipped. */
    synchronized void boundary() {
      long round = System.currentTimeMillis();
      List<CompletableFuture<Void>> dcgm = new ArrayList<>();
      for (Endpoint e : endpoints) {
        e.attempts++;
        e.last = e.last.thenCompose(v -> scrape(e));
        if (e.gpuIndex >= 0) dcgm.add(e.last);
      }
      combineAfter(round, dcgm);
    }

    /** A periodic scrape: skipped (and counted missing) while the previous one still runs. */
    synchronized void tick() {
      if (ended) return;
      long round = System.currentTimeMillis();
      List<CompletableFuture<Void>> dcgm = new ArrayList<>();
      for (Endpoint e : endpoints) {
        e.attempts++;
        if (!e.last.isDone()) {
          e.failed("skipped: the previous scrape had not ended (endpoint slower than the interval)");
          continue;
        }
        e.last = scrape(e);
        if (e.gpuIndex >= 0) dcgm.add(e.last);
      }
      combineAfter(round, dcgm);
    }

    /** Once this round's DCGM scrapes have ended: one combined sample of the target's GPUs. */
    private void combineAfter(long round, List<CompletableFuture<Void>> dcgm) {
      if (gpus == null) return;
      CompletableFuture<Void> done = CompletableFuture.allOf(dcgm.toArray(CompletableFuture[]::new)).handle((v, err) -> {
        combined(round);
        return null;
      });
      combined = CompletableFuture.allOf(combined, done);
    }

    synchronized CompletableFuture<Void> combinedLast() {
      return combined;
    }

    private synchronized void combined(long round) {
      long at = System.currentTimeMillis();
      Map<String, Double> v = gpus.combine(round, at);
      if (v != null) samples.add(new ServerTelemetry.Sample(at, "dcgm", v));
    }

    private CompletableFuture<Void> scrape(Endpoint e) {
      if (e.uri == null) {
        failed(e, "no running DCGM exporter was found on node " + e.node + " (its GPUs are not counted)");
        return CompletableFuture.completedFuture(null);
      }
      CompletableFuture<String> page;
      try {
        page = fetch.get(e.uri, e.headers, e.timeout);
      } catch (RuntimeException ex) {
        page = CompletableFuture.failedFuture(ex);
      }
      return page.handle((text, err) -> {
        long at = System.currentTimeMillis();
        if (err != null) {
          failed(e, MetricsFetch.describe(err, e.timeout));
          return null;
        }
        try {
          Exposition x = PrometheusTextParser.parse(text);
          taken(e, x, at);
        } catch (PrometheusTextException pe) {
          failed(e, "malformed: " + pe.getMessage());
        } catch (RuntimeException re) {
          failed(e, re.toString());
        }
        return null;
      });
    }

    private synchronized void failed(Endpoint e, String error) {
      e.failed(error);
      log.debug("scrape of {} failed: {}", e.uri, error);
    }

    private synchronized void taken(Endpoint e, Exposition x, long at) {
      e.ok++;
      if (e.gpuIndex >= 0) {
        DcgmReading r = DcgmReading.of(x, e.pods);
        e.lastGpu = r;
        gpus.read(e.gpuIndex, r, at);
      } else {
        StackNames.Reading r = StackNames.stack(x);
        stack = r.stack();
        raw = r.raw();
        samples.add(new ServerTelemetry.Sample(at, "stack", r.values()));
      }
    }

    synchronized ServerTelemetry record() {
      List<ServerTelemetry.Endpoint> eps = new ArrayList<>();
      for (Endpoint e : endpoints) {
        eps.add(new ServerTelemetry.Endpoint(e.kind, e.uri == null ? null : shown(e.uri), e.attempts, e.ok, List.copyOf(e.errors),
            e.kind.equals("stack") ? plan.credentialNote : null, e.node, e.lastGpu == null ? null : e.lastGpu.gpus(),
            e.lastGpu == null ? null : e.lastGpu.selection().shown));
      }
      List<ServerTelemetry.Sample> sorted = new ArrayList<>(samples);
      sorted.sort(Comparator.comparingLong(ServerTelemetry.Sample::epochMs));
      return new ServerTelemetry(stack, eps, sorted, raw, gpus == null ? null : gpus.coverage());
    }
  }

  /** A URL as reports show it: no user info, no query. */
  static String shown(URI u) {
    return u.getScheme() + "://" + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "") + (u.getRawPath() == null ? "" : u.getRawPath());
  }
}
