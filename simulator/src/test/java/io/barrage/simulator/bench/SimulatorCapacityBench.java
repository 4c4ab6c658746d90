package io.barrage.simulator.bench;

import io.barrage.simulator.Profile;
import io.barrage.simulator.Profiles;
import io.barrage.simulator.SimulatorConfig;
import io.barrage.simulator.SimulatorServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Capacity of one simulator on this machine: opens N concurrent SSE streams against a
 * continuous-batching profile whose decode step is sized so that N streams together receive
 * {@code targetRate} token events/s, holds them for a window, and prints a table: open streams,
 * token events/s written by the server and read by the client, and the engine's scheduling lag.
 * The client runs in the same JVM (JDK HttpClient, async, no thread per stream), so both share the
 * two cores.
 *
 * <pre>scripts/bench simulator io.barrage.simulator.bench.SimulatorCapacityBench [streams...] [--rate R] [--hold S] [--quiet-ramp S]</pre>
 */
public final class SimulatorCapacityBench {
  public static void main(String[] args) throws Exception {
    List<Integer> levels = new ArrayList<>();
    double rate = 100_000;
    int holdSeconds = 15;
    int quietRampSeconds = 30;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rate" -> rate = Double.parseDouble(args[++i]);
        case "--hold" -> holdSeconds = Integer.parseInt(args[++i]);
        case "--quiet-ramp" -> quietRampSeconds = Integer.parseInt(args[++i]);
        default -> levels.add(Integer.parseInt(args[i]));
      }
    }
    if (levels.isEmpty()) levels = List.of(1000, 5000);
    System.out.printf(Locale.ROOT, "%8s %8s %8s %12s %12s %10s %10s %10s %8s%n", "streams", "open", "inFlight",
        "srv tok/s", "cli tok/s", "lag p50us", "lag p99us", "lag maxus", "errors");
    for (int n : levels) run(n, rate, holdSeconds, quietRampSeconds);
  }

  private static void run(int streams, double rate, int holdSeconds, int quietRampSeconds) throws Exception {
    // step time at batch N = N / rate seconds: base 200 µs + per-sequence slope
    double stepMicros = streams / rate * 1e6;
    double perSeq = Math.max(0, (stepMicros - 200) / streams);
    Profile base = Profiles.get(Profiles.TGI_FAST);
    int tokensPerStream = 100_000; // longer than any ramp + hold: every stream stays open until the server closes
    Profile p = base.withTiming(new Profile.Timing(200, perSeq, 0, 100, 0.1, 10, 0))
        .withLimits(new Profile.Limits(streams + 10, 1000, tokensPerStream + 2000, 2L * streams * (tokensPerStream + 1001),
            1_000_000, streams + 10));
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(30)).build();
    AtomicLong events = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(p))) {
      String body = "{\"inputs\":\"capacity\",\"parameters\":{\"max_new_tokens\":" + tokensPerStream + "}}";
      List<CompletableFuture<?>> open = new ArrayList<>();
      for (int i = 0; i < streams; i++) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(s.baseUrl() + "/generate_stream"))
            .header("Content-Type", "application/json")
            // each stream goes quiet after its first token, so that opening thousands of connections
            // is not slowed by the token traffic of those already open; all resume within the window below
            .header("X-Barrage-Fault", "stall-after=1,stall-ms=" + quietRampSeconds * 1000L)
            .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        open.add(client.sendAsync(req, info -> {
              return HttpResponse.BodySubscribers.ofByteArrayConsumer(new EventCounter(events));
            })
            .exceptionally(e -> {
              errors.incrementAndGet();
              return null;
            }));
        if (i % 200 == 199) LockSupport.parkNanos(20_000_000);
      }
      long rampStart = System.nanoTime();
      long deadline = rampStart + 180_000_000_000L;
      while (s.stats().inFlight() + errors.get() < streams && System.nanoTime() < deadline) {
        LockSupport.parkNanos(50_000_000);
      }
      System.out.printf(Locale.ROOT, "# ramp to %d streams took %.1f s (in flight %d, max %d, received %d)%n", streams,
          (System.nanoTime() - rampStart) / 1e9, s.stats().inFlight(), s.stats().maxInFlight(), s.stats().requestsReceived());
      // wait until the last stream has resumed, then let the batch settle before measuring
      long resumeAll = System.nanoTime() + quietRampSeconds * 1_000_000_000L;
      while (System.nanoTime() < resumeAll) LockSupport.parkNanos(100_000_000);
      LockSupport.parkNanos(3_000_000_000L);
      s.stats().resetSchedulingLag();
      long tok0 = s.stats().tokensEmitted();
      long ev0 = events.get();
      long t0 = System.nanoTime();
      LockSupport.parkNanos(holdSeconds * 1_000_000_000L);
      long t1 = System.nanoTime();
      double secs = (t1 - t0) / 1e9;
      Histogram lag = s.stats().schedulingLag();
      System.out.printf(Locale.ROOT, "%8d %8d %8d %12.0f %12.0f %10.0f %10.0f %10.0f %8d%n", streams,
          s.stats().openConnections(), s.stats().inFlight(), (s.stats().tokensEmitted() - tok0) / secs,
          (events.get() - ev0) / secs, lag.getValueAtPercentile(50) / 1e3, lag.getValueAtPercentile(99) / 1e3,
          lag.getMaxValue() / 1e3, errors.get());
    }
  }

  /** Counts SSE events (blank-line terminated) across chunk boundaries. */
  private static final class EventCounter implements java.util.function.Consumer<Optional<byte[]>> {
    private final AtomicLong events;
    private int prev = -1;

    EventCounter(AtomicLong events) {
      this.events = events;
    }

    @Override
    public void accept(Optional<byte[]> chunk) {
      if (chunk.isEmpty()) return;
      long n = 0;
      for (byte b : chunk.get()) {
        if (b == '\n' && prev == '\n') n++;
        prev = b;
      }
      if (n > 0) events.addAndGet(n);
    }
  }
}
