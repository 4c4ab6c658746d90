package io.barrage.simulator;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ground truth of every request that carried {@code X-Barrage-Request-Id}: kept in memory and, when
 * a file is configured, appended to it as JSON Lines (one object per finished request; buffered,
 * so lines reach the file within the server's 200 ms flush period, and at close).
 */
public final class TruthLog implements AutoCloseable {
  public static final String REQUEST_ID_HEADER = "X-Barrage-Request-Id";
  private static final Logger log = LoggerFactory.getLogger(TruthLog.class);

  private final ConcurrentHashMap<String, TruthRecord> done = new ConcurrentHashMap<>();
  private final JsonFactory json = new JsonFactory();
  private final OutputStream file;

  TruthLog(Path file) {
    try {
      this.file = file == null ? null : new java.io.BufferedOutputStream(Files.newOutputStream(file,
          StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE), 64 * 1024);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open truth log " + file + ": " + e.getMessage(), e);
    }
  }

  /** The finished request with this id, if any. */
  public Optional<TruthRecord> get(String id) {
    return Optional.ofNullable(done.get(id));
  }

  /** Every finished request recorded so far. */
  public Collection<TruthRecord> all() {
    return List.copyOf(done.values());
  }

  /** Forgets what was recorded in memory (a long benchmark calls this between phases). */
  public void clear() {
    done.clear();
  }

  /** Starts recording one request; returns null when it carries no id. */
  public Recording start(String id, String route, long arrivalNanos) {
    return id == null || id.isEmpty() ? null : new Recording(id, route, arrivalNanos);
  }

  private void finish(TruthRecord r) {
    done.put(r.id(), r);
    if (file != null) {
      synchronized (this) {
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
          g.writeEndObject();
          g.flush();
          file.write('\n');
        } catch (IOException e) {
          log.warn("truth log write failed: {}", e.getMessage());
        }
      }
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
      if (count == tokens.length) tokens = java.util.Arrays.copyOf(tokens, count * 2);
      tokens[count++] = nanos;
    }

    public synchronized void serverTokens(int n) {
      serverTokens = n;
    }

    public void end(long nanos, String outcome) {
      TruthRecord r;
      synchronized (this) {
        if (finished) return;
        finished = true;
        r = new TruthRecord(id, route, arrival, headers, java.util.Arrays.copyOf(tokens, count), nanos,
            Math.max(serverTokens, count), outcome);
      }
      finish(r);
    }
  }

  private static final class NonClosing extends java.io.FilterOutputStream {
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
