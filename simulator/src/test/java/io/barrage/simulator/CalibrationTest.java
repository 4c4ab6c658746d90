package io.barrage.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.barrage.simulator.SeedCalibration.SeedRow;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Drives every SageMaker-calibrated profile at each seed row's concurrency (closed loop, streaming,
 * the calibration workload of {@link SeedCalibration}) and checks the seed's median ms/token
 * (e2e / tokens) and tokens/s within 10%. The profiles run up to {@value #MAX_SCALE}× faster than
 * real time; measured times are multiplied back before comparing.
 */
class CalibrationTest {
  /** Largest time scale; each row runs as fast as keeps its decode step at ≥ ~3 ms of real time. */
  static final double MAX_SCALE = 8;
  static final ObjectMapper M = new ObjectMapper();
  static final String PROMPT = "x".repeat(SeedCalibration.PROMPT_TOKENS * 4);

  static Stream<Arguments> rows() {
    List<Arguments> out = new ArrayList<>();
    Profiles.seedRows().forEach((name, rows) -> rows.forEach(r -> out.add(Arguments.of(name, r))));
    return out.stream();
  }

  record Result(double medianMsPerToken, double tokensPerSecond) {}

  /** JIT-warms the server and client code paths so that the first measured requests are not cold. */
  @BeforeAll
  static void warmUp() throws Exception {
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST))) {
      drive(s.baseUrl() + "/generate_stream", 8, 2.0, 1);
    }
  }

  @ParameterizedTest(name = "{0} at concurrency {1}")
  @MethodSource("rows")
  void profileReproducesTheSeedFigures(String name, SeedRow row) throws Exception {
    double ratio = row.tokensPerSecond() * row.msPerToken() / 1000 / row.concurrency();
    double stepMs = ratio > 1.1 ? 0.3 * row.msPerToken() : row.msPerToken();
    double scale = Math.max(1, Math.min(MAX_SCALE, stepMs / 8 * (ratio > 1.1 ? 2.7 : 1)));
    Profile p = Profiles.get(name).withTimeScale(scale);
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(p))) {
      int c = row.concurrency();
      // long enough for at least 6 requests per stream (and 12 in all) at the seed's pace
      int rounds = Math.max(6, (int) Math.ceil(12.0 / c));
      double seconds = rounds * SeedCalibration.NEW_TOKENS * row.msPerToken() / 1000 / scale;
      Http.post(s.baseUrl() + "/generate", "{\"inputs\":\"warm\",\"parameters\":{\"max_new_tokens\":2}}");
      Result r = drive(s.baseUrl() + "/generate_stream", c, seconds, scale);
      System.out.printf(java.util.Locale.ROOT, "calibration | %s | %d | %.2f | %.2f | %.1f | %.1f%n", name, c,
          row.msPerToken(), r.medianMsPerToken(), row.tokensPerSecond(), r.tokensPerSecond());
      assertThat(r.medianMsPerToken()).as("median ms/token of %s at c=%d (seed %.2f)", name, c, row.msPerToken())
          .isCloseTo(row.msPerToken(), org.assertj.core.data.Percentage.withPercentage(10));
      assertThat(r.tokensPerSecond()).as("tokens/s of %s at c=%d (seed %.2f)", name, c, row.tokensPerSecond())
          .isCloseTo(row.tokensPerSecond(), org.assertj.core.data.Percentage.withPercentage(10));
    }
  }

  /**
   * Closed loop for a quarter of {@code seconds} of warm-up, then {@code seconds} of real time: each
   * stream sends a request as soon as its previous one ended. Throughput counts the token events that arrived inside the window (so that long
   * requests still running at the end do not distort it); the median covers requests sent inside it.
   */
  static Result drive(String url, int streams, double seconds, double scale) throws Exception {
    String body = "{\"inputs\":\"" + PROMPT + "\",\"parameters\":{\"max_new_tokens\":" + SeedCalibration.NEW_TOKENS
        + ",\"details\":true}}";
    List<Double> ntpot = Collections.synchronizedList(new ArrayList<>());
    long[] tokens = new long[streams];
    ExecutorService pool = Executors.newFixedThreadPool(streams);
    long t0 = System.nanoTime();
    // the first quarter is a warm-up (all streams start at once): its tokens do not count
    long tw = t0 + (long) (seconds * 0.25e9);
    long t1 = tw + (long) (seconds * 1e9);
    List<Future<?>> loops = new ArrayList<>();
    for (int i = 0; i < streams; i++) {
      int stream = i;
      loops.add(pool.submit(() -> {
        while (System.nanoTime() < t1) {
          long sent = System.nanoTime();
          HttpResponse<InputStream> resp = Http.postStream(url, body);
          long last = 0;
          int n = 0;
          try (BufferedReader in = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
              if (!line.startsWith("data:")) continue;
              last = System.nanoTime();
              if (last >= tw && last <= t1) tokens[stream]++;
              JsonNode ev = M.readTree(line.substring(5));
              if (ev.hasNonNull("details")) n = ev.get("details").get("generated_tokens").asInt();
            }
          }
          ntpot.add((last - sent) / 1e6 / n * scale);
        }
        return null;
      }));
    }
    for (Future<?> f : loops) f.get(10, TimeUnit.MINUTES);
    pool.shutdown();
    List<Double> sorted = new ArrayList<>(ntpot);
    Collections.sort(sorted);
    double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
        : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
    long total = 0;
    for (long t : tokens) total += t;
    return new Result(median, total / (seconds * scale));
  }
}
