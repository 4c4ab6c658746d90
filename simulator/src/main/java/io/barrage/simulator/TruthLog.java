package io.barrage.simulator;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ground truth of every request that carried {@code X-Barrage-Request-Id}.
 *
 * <p>Where the records go is chosen at start ({@link SimulatorConfig}): with a file, each finished
 * request is appended to it as one JSON Lines object (buffered; the server flushes every 200 ms and
 * at close) and nothing of it stays in memory; kept in memory, {@link #get} and {@link #all} answer
 * for tests that run the simulator in their own JVM. Either way the log counts what it recorded,
 * by outcome ({@link #recorded()}, {@link #outcomes()}), in constant memory, so a long run with a
 * file costs no memory per request.
 */
public final class TruthLog implements AutoCloseable {
  public static final String REQUEST_ID_HEADER = "X-Barrage-Request-Id";
  private static final Logger log = LoggerFactory.getLogger(TruthLog.class);

  /** Finished records by id; null unless they are kept in memory. */
  private final ConcurrentHashMap<String, TruthRecord> done;
  private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
  private final LongAdder recorded = new LongAdder();
  private final JsonFactory json = new JsonFactory();
  private final Path path;
  private final OutputStream file;

  /**
   * @param file where to append the records; null for none
   * @param inMemory keep every record in memory for {@link #get} and {@link #all}
   */
  TruthLog(Path file, boolean inMemory) {
    this.path = file;
    this.done = inMemory ? new ConcurrentHashMap<>() : null;
    try {
      this.file = file == null ? null : new BufferedOutputStream(Files.newOutputStream(file,
          StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE), 64 * 1024);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open truth log " + file + ": " + e.getMessage(), e);
    }
  }

  /** Whether finished records are kept in memory ({@link #get}, {@link #all}). */
  public boolean inMemory() {
    return done != null;
  }

  /** The finished request with this id, if any; the log must keep its records in memory. */
  public Optional<TruthRecord> get(String id) {
    return Optional.ofNullable(memory().get(id));
  }

  /** Every finished request recorded so far; the log must keep its records in memory. */
  public Collection<TruthRecord> all() {
    return List.copyOf(memory().values());
  }

  /** How many records memory holds now: 0 when the log streams to a file only. */
  public int retained() {
    return done == null ? 0 : done.size();
  }

  /** Requests recorded since start (or the last {@link #clear()}), wherever the records went. */
  public long recorded() {
    return recorded.sum();
  }

  /** Requests recorded since start (or the last {@link #clear()}) by outcome ({@code ok}, {@code error:generation}, ...). */
  public Map<String, Long> outcomes() {
    Map<String, Long> m = new TreeMap<>();
    outcomes.forEach((k, v) -> {
      long n = v.sum();
      if (n > 0) m.put(k, n);
    });
    return m;
  }

  /** Forgets what was recorded in memory and the counts (a long benchmark calls this between phases). */
  public void clear() {
    if (done != null) done.clear();
    recorded.reset();
    outcomes.values().forEach(LongAdder::reset);
  }

  private ConcurrentHashMap<String, TruthRecord> memory() {
    if (done == null) {
      throw new IllegalStateException("the truth log is not kept in memory" + (path == null ? "" : " (it goes to " + path + ")")
          + "; start the simulator with SimulatorConfig.withTruthInMemory(true) to read it in process");
    }
    return done;
  }

  /** Starts recording one request; returns null when it carries no id. */
  public Recording start(String id, String route, long arrivalNanos) {
    return id == null || id.isEmpty() ? null : new Recording(id, route, arrivalNanos);
  }

  private void finish(TruthRecord r) {
    recorded.increment();
    outcomes.computeIfAbsent(r.outcome(), k -> new LongAdder()).increment();
    if (done != null) done.put(r.id(), r);
    if (file != null) write(r);
  }

  private synchronized void write(TruthRecord r) {
    try (JsonGenerator g = json.createGenerator(new NonClosing(file), JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeStringField("id", r.id());
      g.writeStringField("route", r.route());
      g.writeNumberField("arrivalNanos", r.arrivalNanos());
      g.writeNumberField("headersNanos", r.headersNanos());
      g.writeFieldName("tokenNanos");
      g.writeArray(r.tokenNanos(), 0, r.tokenNanos().length);
      g.writeNumberField("endNanos", r.endNanos());
      g.writeNumberField("tokens", r.tokens());
      g.writeStringField("outcome", r.outcome());
      g.writeNumberField("promptTokens", r.promptTokens());
      if (r.promptTokens() >= 0) g.writeNumberField("cachedTokens", r.cachedTokens());
      g.writeEndObject();
      g.flush();
      file.write('\n');
    } catch (IOException e) {
      log.warn("truth log write failed: {}", e.getMessage());
    }
  }

  /**
   * Pushes buffered lines to the file (the server calls this every 200 ms, and at close), so that
   * writing the log costs a request no syscall of its own.
   */
  public synchronized void flush() {
    if (file == null) return;
    try {
      file.flush();
    } catch (IOException e) {
      log.warn("truth log write failed: {}", e.getMessage());
    }
  }

  @Override
  public synchronized void close() {
    if (file != null) {
      try {
        file.close();
      } catch (IOException e) {
        log.warn("truth log close failed: {}", e.getMessage());
      }
    }
  }

  /** The in-progress record of one request; its methods may be called from different threads, one at a time. */
  public final class Recording {
    private final String id;
    private final String route;
    private final long arrival;
    private long headers;
    private long[] tokens = new long[16];
    private int count;
    private int serverTokens;
    private int promptTokens = -1, cachedTokens;
    private String prompt;
    private boolean finished;

    private Recording(String id, String route, long arrival) {
      this.id = id;
      this.route = route;
      this.arrival = arrival;
    }

    public synchronized void headers(long nanos) {
      if (headers == 0) headers = nanos;
    }

    public synchronized void token(long nanos) {
      if (count == tokens.length) tokens = Arrays.copyOf(tokens, count * 2);
      tokens[count++] = nanos;
    }

    public synchronized void serverTokens(int n) {
      serverTokens = n;
    }

    /** The prompt's length in the simulator's tokenizer, once the request was parsed. */
    public synchronized void promptTokens(int n) {
      promptTokens = n;
    }

    /**
     * The prompt the engine was given: its tokens, how many of them its prefix cache held, and its
     * text (kept only in memory records, for tests; the file gets the two counts).
     */
    public synchronized void prompt(int tokens, int cached, String text) {
      promptTokens = tokens;
      cachedTokens = cached;
      prompt = done == null ? null : text;
    }

    public void end(long nanos, String outcome) {
      TruthRecord r;
      synchronized (this) {
        if (finished) return;
        finished = true;
        r = new TruthRecord(id, route, arrival, headers, Arrays.copyOf(tokens, count), nanos,
            Math.max(serverTokens, count), outcome, promptTokens, cachedTokens, prompt);
      }
      finish(r);
    }
  }

  private static final class NonClosing extends FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
