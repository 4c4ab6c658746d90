package io.barrage.worker.prompt;

import io.barrage.worker.client.RequestTrace;
import io.barrage.worker.client.TokenizeClient;
import io.barrage.worker.client.Transport;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A target's own tokenizer, asked through its {@code /tokenize} route ({@link TokenizeClient}) on one
 * keep-alive connection, one text at a time. Every distinct text is asked once and its count kept:
 * calibration, dataset lengths and checks all happen before a cell sends its first request, and a
 * later cell of the same target asks nothing again. The answers are not measured requests; the
 * simulator's truth log does not record them.
 */
public final class TargetTokenizer implements TokenCounter, AutoCloseable {
  private static final AtomicLong IDS = new AtomicLong();
  private final String target;
  private final TokenizeClient api;
  private final Transport.Lane lane;
  private final Duration timeout;
  private final Map<String, Integer> counts = new ConcurrentHashMap<>();
  private final AtomicLong asked = new AtomicLong();

  /**
   * @param transport made for {@code api} (with the target's credential and TLS settings)
   * @param timeout the longest wait for one answer
   */
  public TargetTokenizer(String target, TokenizeClient api, Transport transport, Duration timeout) {
    this.target = target;
    this.api = api;
    this.lane = transport.lane();
    this.timeout = timeout;
  }

  @Override
  public int count(String text) {
    Integer known = counts.get(text);
    if (known != null) return known;
    synchronized (this) {
      known = counts.get(text);
      if (known != null) return known;
      int n = ask(text);
      counts.put(text, n);
      return n;
    }
  }

  private int ask(String text) {
    asked.incrementAndGet();
    String id = "tokenize-" + IDS.incrementAndGet();
    RequestTrace trace = new RequestTrace(id, System.nanoTime(), false);
    CompletableFuture<RequestTrace> done = new CompletableFuture<>();
    lane.send(id, api.body(text, 0, 0), trace, t -> {}, done::complete);
    RequestTrace t;
    try {
      t = done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new TokenizerException(where() + " did not answer within " + timeout.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TokenizerException(where() + ": interrupted");
    } catch (ExecutionException e) {
      throw new TokenizerException(where() + ": " + e.getCause().getMessage(), e.getCause());
    }
    if (!t.ok() || t.serverTokens < 0) {
      throw new TokenizerException(where() + " failed for a text of " + text.length() + " characters: "
          + (t.error == null ? "no count" : t.error.key()) + (t.httpStatus > 0 ? " (HTTP " + t.httpStatus + ")" : "")
          + (t.errorDetail == null ? "" : ": " + t.errorDetail));
    }
    return t.serverTokens;
  }

  private String where() {
    return "the /tokenize route of target " + target + " (" + api.stack().yamlName() + ", " + api.uri() + ")";
  }

  /** Texts sent to the target so far (the rest came from the cache). */
  public long asked() {
    return asked.get();
  }

  @Override
  public void close() {
    lane.close();
  }
}
