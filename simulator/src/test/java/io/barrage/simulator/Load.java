package io.barrage.simulator;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A small closed-loop client for engine tests: {@code streams} loops, each sending {@code rounds} requests. */
final class Load {
  /** One finished request as the client saw it (nanoTime). */
  record Sample(String id, long sent, long done, int status, String body) {}

  private Load() {}

  static List<Sample> closedLoop(String url, String body, int streams, int rounds, Duration limit) throws Exception {
    List<Sample> out = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicInteger ids = new AtomicInteger();
    List<CompletableFuture<Void>> loops = new ArrayList<>();
    for (int s = 0; s < streams; s++) {
      CompletableFuture<Void> loop = CompletableFuture.completedFuture(null);
      for (int r = 0; r < rounds; r++) {
        loop = loop.thenCompose(x -> send(url, body, "req-" + ids.getAndIncrement()).thenAccept(out::add));
      }
      loops.add(loop);
    }
    CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get(limit.toMillis(), TimeUnit.MILLISECONDS);
    return new ArrayList<>(out);
  }

  static CompletableFuture<Sample> send(String url, String body, String id) {
    HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120))
        .header("Content-Type", "application/json").header(TruthLog.REQUEST_ID_HEADER, id)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    long sent = System.nanoTime();
    return Http.CLIENT.sendAsync(req, HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> new Sample(id, sent, System.nanoTime(), r.statusCode(), r.body()));
  }
}
