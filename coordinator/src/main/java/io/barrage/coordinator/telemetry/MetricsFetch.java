package io.barrage.coordinator.telemetry;

import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches one metrics page over the JDK's HTTP client (docs/adr/0331): a GET with a time limit for
 * the whole exchange, a 200 required, and a body bounded while it is read (a page over the bound is
 * refused as soon as it passes it, not read to its end). Errors come back as one line a person can
 * act on ({@link #describe}).
 */
final class MetricsFetch {
  /** A page over this many bytes is refused: DCGM on an 8-GPU node and vLLM with many engines stay far below. */
  static final int DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

  private final HttpClient client;
  private final int maxBodyBytes;

  MetricsFetch(ExecutorService executor, int maxBodyBytes) {
    this.client = HttpClient.newBuilder().executor(executor).connectTimeout(Duration.ofSeconds(5))
        .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
    this.maxBodyBytes = maxBodyBytes;
  }

  /** The page's text; fails with {@link ScrapeFailure} (or the client's own exception) otherwise. */
  CompletableFuture<String> get(URI uri, Map<String, String> headers, Duration timeout) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET().timeout(timeout)
        .header("Accept", "text/plain;version=0.0.4;q=1,*/*;q=0.1");
    headers.forEach(b::header);
    CompletableFuture<HttpResponse<String>> sent = client.sendAsync(b.build(), info -> info.statusCode() == 200
        ? new Limited(maxBodyBytes)
        : HttpResponse.BodySubscribers.replacing(null));
    CompletableFuture<String> out = sent.thenApply(r -> {
      if (r.statusCode() != 200) throw new ScrapeFailure("http " + r.statusCode());
      return r.body();
    });
    // the client's timeout covers the response head; this one covers a body that trickles
    return out.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((v, e) -> {
      if (e != null) sent.cancel(true);
    });
  }

  /** One line for a failed fetch: {@code connect: Connection refused}, {@code timeout after 2s}, {@code http 404}. */
  static String describe(Throwable e, Duration timeout) {
    Throwable c = e;
    while ((c instanceof CompletionException || c instanceof java.util.concurrent.ExecutionException) && c.getCause() != null) c = c.getCause();
    if (c instanceof ScrapeFailure) return c.getMessage();
    if (c instanceof TimeoutException || c instanceof HttpTimeoutException) return "timeout: no complete answer within " + timeout.toMillis() + " ms";
    if (c instanceof ConnectException) return "connect: " + (c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage());
    String m = c.getMessage();
    return c.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  /** A failure with a message meant for the report. */
  static final class ScrapeFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ScrapeFailure(String message) {
      super(message, null, false, false);
    }
  }

  /** Collects a body of at most {@code limit} bytes; cancels the exchange once it is over. */
  private static final class Limited implements HttpResponse.BodySubscriber<String> {
    private final int limit;
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private final CompletableFuture<String> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    Limited(int limit) {
      this.limit = limit;
    }

    @Override
    public CompletableFuture<String> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
      if (result.isDone()) return;
      for (ByteBuffer bb : item) {
        if (buf.size() + bb.remaining() > limit) {
          subscription.cancel();
          result.completeExceptionally(new ScrapeFailure("body over " + limit + " bytes: refused (the bound keeps the coordinator's memory safe)"));
          return;
        }
        byte[] a = new byte[bb.remaining()];
        bb.get(a);
        buf.write(a, 0, a.length);
      }
      subscription.request(1);
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(buf.toString(StandardCharsets.UTF_8));
    }
  }
}
