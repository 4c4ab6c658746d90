package io.barrage.coordinator.metrics;

import io.barrage.common.prometheus.LatencyBuckets;
import io.barrage.common.prometheus.PrometheusText;
import io.barrage.common.prometheus.PrometheusText.Type;
import io.barrage.coordinator.run.RunObserver;
import io.barrage.coordinator.run.RunOrder;
import io.barrage.coordinator.run.RunStatus;
import io.barrage.protocol.metrics.ErrorClass;
import io.barrage.protocol.metrics.Histograms;
import io.barrage.protocol.metrics.IntervalCounters;
import io.barrage.protocol.metrics.IntervalReport;
import io.barrage.protocol.metrics.Metric;
import io.barrage.protocol.plan.CellPlanner;
import io.barrage.protocol.plan.CellSpec;
import io.barrage.protocol.results.WorkerEvent;
import io.barrage.protocol.scenario.StepSpec;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The coordinator's own metrics for {@code GET /metrics} (Prometheus text format, docs/api.md
 * "Metrics"): what the run's merge took in, counted as it arrives, and its latest status. Fed as a
 * {@link RunObserver} of {@code Runs}: every merged interval report (the same reports, de-duplicated
 * the same way, as the results, so at the end of a run the counters equal the summary's counts), and
 * every status snapshot (phase, current cell, in-flight, workers).
 *
 * <p>Series carry the run id as label {@code run} and are kept for the latest run only: when a new
 * run is accepted the previous run's series go, so the memory held is one run's: its cells × error
 * classes, and per target four HdrHistograms, the exact sum of its reports' TTFT, TPOT, e2e and send
 * lag, which a scrape puts into {@link LatencyBuckets}: every recorded value, at the histograms'
 * precision (3 significant digits), counted in its bucket.
 *
 * <p>Thread-safe: reports and statuses arrive on the run's actor, scrapes on HTTP threads; the
 * histograms are added up on a thread of their own, so a scrape may show a report's counters a few
 * milliseconds before its latencies.
 */
public final class LiveMetrics implements RunObserver {

  /** The per-target histograms, their metric names and help. */
  private static final Map<Metric, String[]> HISTOGRAMS = new LinkedHashMap<>();

  static {
    HISTOGRAMS.put(Metric.TTFT, new String[] {"barrage_ttft_seconds", "Time to first token of successful measured requests, per target."});
    HISTOGRAMS.put(Metric.TPOT, new String[] {"barrage_tpot_seconds", "Time per output token after the first (vLLM's TPOT), per target."});
    HISTOGRAMS.put(Metric.E2E, new String[] {"barrage_e2e_seconds", "End-to-end latency to the last token, per target."});
    HISTOGRAMS.put(Metric.SEND_LAG, new String[] {"barrage_send_lag_seconds",
        "How late the workers sent requests behind their schedule (the generator's own health), per target."});
  }

  private String runId;
  private String scenario;
  private StepSpec step;
  private final Map<String, CellSpec> cells = new LinkedHashMap<>();
  private final Map<String, CellCounts> counts = new LinkedHashMap<>();
  /** Per target, the run's latencies so far: exact histograms, bucketed when scraped. Guarded by each inner map. */
  private final Map<String, Map<Metric, Histogram>> latencies = new TreeMap<>();
  private RunStatus status;
  private String runningCell;
  private long runningSinceMs;

  /** Counters of one cell. */
  private static final class CellCounts {
    long started;
    long ok;
    final Map<ErrorClass, Long> failed = new EnumMap<>(ErrorClass.class);
    long outputTokens;
    long arrivedTokens;
  }

  @Override
  public synchronized void accepted(RunOrder order) {
    runId = order.runId();
    scenario = order.scenario().name();
    step = order.scenario().workload().step();
    cells.clear();
    counts.clear();
    latencies.clear();
    status = null;
    runningCell = null;
    for (CellSpec c : CellPlanner.plan(order.scenario())) {
      cells.put(c.id(), c);
      counts.put(c.id(), new CellCounts());
      latencies.computeIfAbsent(c.target(), t -> newHistograms());
    }
  }

  private static Map<Metric, Histogram> newHistograms() {
    Map<Metric, Histogram> m = new EnumMap<>(Metric.class);
    for (Metric k : HISTOGRAMS.keySet()) m.put(k, Histograms.create());
    return m;
  }

  @Override
  public synchronized void update(RunStatus s) {
    if (!s.runId().equals(runId)) return; // a run this registry was not told about
    status = s;
    boolean running = s.phase() == RunStatus.Phase.RUNNING || s.phase() == RunStatus.Phase.STOPPING;
    String cell = running ? s.cell() : null;
    if (cell != null && !cell.equals(runningCell)) runningSinceMs = System.currentTimeMillis();
    runningCell = cell;
  }

  /**
   * Adds the reports' histograms to the target's off the run's actor (the same {@code Histogram.add}
   * the merge does); they are put into buckets only when scraped, one walk per histogram
   * (docs/adr/0340). One thread, started when there is work and gone after a minute without.
   */
  private final ThreadPoolExecutor counting = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
    Thread t = new Thread(r, "barrage-live-metrics");
    t.setDaemon(true);
    return t;
  });

  {
    counting.allowCoreThreadTimeOut(true);
  }

  @Override
  public void merged(String runId, CellSpec cell, IntervalReport report, Map<Metric, Histogram> histograms) {
    Map<Metric, Histogram> h;
    synchronized (this) {
      if (!runId.equals(this.runId)) return;
      cells.putIfAbsent(cell.id(), cell);
      CellCounts c = counts.computeIfAbsent(cell.id(), k -> new CellCounts());
      IntervalCounters r = report.counters();
      c.started += r.started();
      c.ok += r.ok();
      r.errors().forEach((k, v) -> c.failed.merge(k, v, Long::sum));
      c.outputTokens += r.outputTokens();
      c.arrivedTokens += r.arrivedTokens();
      h = latencies.computeIfAbsent(cell.target(), t -> newHistograms());
      pendingHistograms++;
    }
    // the merge only reads the decoded histograms after this call; a new run drops these
    counting.execute(() -> {
      try {
        synchronized (h) {
          for (Map.Entry<Metric, Histogram> e : h.entrySet()) {
            Histogram micros = histograms.get(e.getKey());
            if (micros != null) e.getValue().add(micros);
          }
        }
      } finally {
        synchronized (this) {
          pendingHistograms--;
        }
      }
    });
  }

  private long pendingHistograms;

  /** Reports whose histograms are not counted yet (tests wait for 0). */
  public synchronized long pendingHistograms() {
    return pendingHistograms;
  }

  /**
   * An HdrHistogram of microseconds in {@link LatencyBuckets}: every recorded value (at the
   * histogram's 3 significant digits) counted in its bucket, the sum of their median-equivalent values.
   */
  static LatencyBuckets.Snapshot buckets(Histogram micros) {
    LatencyBuckets into = new LatencyBuckets();
    if (micros.getTotalCount() == 0) return into.snapshot();
    for (HistogramIterationValue v : micros.recordedValues()) {
      into.record(micros.medianEquivalentValue(v.getValueIteratedTo()) * 1000, v.getCountAtValueIteratedTo());
    }
    return into.snapshot();
  }

  /**
   * The metrics now, in Prometheus text format (only the family headers before the first run). The
   * histograms are put into buckets first, without holding up the run's reports and statuses.
   */
  public String render() {
    Map<String, Map<Metric, Histogram>> targets;
    synchronized (this) {
      targets = new LinkedHashMap<>(latencies);
    }
    Map<Map<Metric, Histogram>, Map<Metric, LatencyBuckets.Snapshot>> bucketed = new java.util.IdentityHashMap<>();
    for (Map<Metric, Histogram> m : targets.values()) {
      Map<Metric, LatencyBuckets.Snapshot> b = new EnumMap<>(Metric.class);
      synchronized (m) {
        m.forEach((k, h) -> b.put(k, buckets(h)));
      }
      bucketed.put(m, b);
    }
    return render(bucketed);
  }

  private synchronized String render(Map<Map<Metric, Histogram>, Map<Metric, LatencyBuckets.Snapshot>> bucketed) {
    PrometheusText t = new PrometheusText();
    String run = runId == null ? "" : runId;
    boolean any = runId != null;

    t.family("barrage_run_info", Type.GAUGE, "The latest run (1): its id and scenario name.");
    if (any) t.sample(1, "run", run, "scenario", scenario);
    t.family("barrage_run_phase", Type.GAUGE, "1 for the phase the latest run is in, 0 for the others.");
    if (any) {
      RunStatus.Phase now = status == null ? RunStatus.Phase.WAITING_FOR_WORKERS : status.phase();
      for (RunStatus.Phase p : RunStatus.Phase.values()) t.sample(p == now ? 1 : 0, "run", run, "phase", p.name().toLowerCase(Locale.ROOT));
    }
    t.family("barrage_run_cells", Type.GAUGE, "Cells the run plans (target x maxNewTokens x load level x repeat).");
    if (any) t.sample(cells.size(), "run", run);
    t.family("barrage_run_cell_index", Type.GAUGE, "1-based index of the running (or last) cell; 0 before the first.");
    if (any) t.sample(status == null ? 0 : status.cellIndex(), "run", run);

    CellSpec current = runningCell == null ? null : cells.get(runningCell);
    t.family("barrage_cell_running", Type.GAUGE, "1 for the cell that runs now (no series between cells).");
    if (current != null) t.sample(1, labels(run, current));
    t.family("barrage_cell_progress_ratio", Type.GAUGE,
        "How far the running cell is, 0 to 1: measured requests done / planned, or for a duration step the time since it started / (warm-up + duration).");
    if (current != null) t.sample(progress(), labels(run, current));
    t.family("barrage_cell_requests_planned", Type.GAUGE, "Measured requests the running cell plans (request-count steps only).");
    if (current != null && status.requestsPlanned() >= 0) t.sample(status.requestsPlanned(), labels(run, current));

    t.family("barrage_requests_started_total", Type.COUNTER, "Requests the workers sent, warm-up included, per cell.");
    counts.forEach((id, c) -> t.sample(c.started, labels(run, cells.get(id))));
    t.family("barrage_requests_ok_total", Type.COUNTER, "Measured requests that succeeded, per cell (as summary.json counts them).");
    counts.forEach((id, c) -> t.sample(c.ok, labels(run, cells.get(id))));
    t.family("barrage_requests_failed_total", Type.COUNTER, "Measured requests that failed, per cell and error class (summary.json's errors).");
    counts.forEach((id, c) -> c.failed.forEach((k, v) -> t.sample(v, append(labels(run, cells.get(id)), "error_class", k.key()))));
    t.family("barrage_output_tokens_total", Type.COUNTER, "Output tokens of successful measured requests, counted when each request ends.");
    counts.forEach((id, c) -> t.sample(c.outputTokens, labels(run, cells.get(id))));
    t.family("barrage_tokens_arrived_total", Type.COUNTER,
        "Output tokens of measured requests counted as they arrive (the smooth live throughput: rate() of this).");
    counts.forEach((id, c) -> t.sample(c.arrivedTokens, labels(run, cells.get(id))));

    t.family("barrage_requests_in_flight", Type.GAUGE, "Requests in flight now as the workers' latest reports say, per target.");
    for (String target : latencies.keySet()) {
      int n = current != null && current.target().equals(target) && status != null ? status.inFlight() : 0;
      t.sample(n, "run", run, "target", target);
    }
    t.family("barrage_workers", Type.GAUGE, "Workers by their state in the run (running, idle, lost, silent, ...).");
    if (status != null) {
      Map<String, Integer> byState = new TreeMap<>();
      for (RunStatus.WorkerView w : status.workers()) byState.merge(w.state(), 1, Integer::sum);
      byState.forEach((state, n) -> t.sample(n, "run", run, "state", state));
    }
    t.family("barrage_worker_events_total", Type.COUNTER, "Worker events of the run: joined, lost, left, rebalanced.");
    if (any) {
      Map<WorkerEvent.Kind, Integer> byKind = new EnumMap<>(WorkerEvent.Kind.class);
      for (WorkerEvent.Kind k : WorkerEvent.Kind.values()) byKind.put(k, 0);
      if (status != null) for (WorkerEvent e : status.events()) byKind.merge(e.kind(), 1, Integer::sum);
      byKind.forEach((k, n) -> t.sample(n, "run", run, "kind", k.name().toLowerCase(Locale.ROOT)));
    }

    for (Map.Entry<Metric, String[]> h : HISTOGRAMS.entrySet()) {
      t.family(h.getValue()[0], Type.HISTOGRAM, h.getValue()[1]);
      latencies.forEach((target, m) -> {
        // a target that appeared (a new run) since the histograms were bucketed shows empty until the next scrape
        Map<Metric, LatencyBuckets.Snapshot> b = bucketed.get(m);
        t.histogram(b == null ? new LatencyBuckets().snapshot() : b.get(h.getKey()), "run", run, "target", target);
      });
    }
    return t.text();
  }

  private double progress() {
    if (status != null && status.requestsPlanned() > 0) return Math.min(1, (double) status.requestsDone() / status.requestsPlanned());
    if (step != null && step.duration() != null) {
      double planned = step.warmupOrZero().toMillis() + step.duration().toMillis();
      return planned <= 0 ? 1 : Math.min(1, (System.currentTimeMillis() - runningSinceMs) / planned);
    }
    return 0;
  }

  private static String[] labels(String run, CellSpec c) {
    return new String[] {"run", run, "target", c.target(), "cell", c.id()};
  }

  private static String[] append(String[] labels, String name, String value) {
    String[] out = java.util.Arrays.copyOf(labels, labels.length + 2);
    out[labels.length] = name;
    out[labels.length + 1] = value;
    return out;
  }

  /** For tests: the cells known to the latest run. */
  synchronized List<String> cellIds() {
    return List.copyOf(cells.keySet());
  }
}
