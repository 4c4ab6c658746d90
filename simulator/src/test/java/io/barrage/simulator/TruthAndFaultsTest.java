package io.barrage.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ground truth, keep-alive comments and injected faults, seen by a real client. */
class TruthAndFaultsTest {
  static final ObjectMapper M = new ObjectMapper();
  static final String STREAM_BODY = "{\"inputs\":\"hello\",\"parameters\":{\"max_new_tokens\":12}}";

  /** Reads the stream event by event, noting the arrival time of each token event. */
  record Read(List<String> events, List<Long> tokenArrivals) {}

  static Read read(HttpResponse<InputStream> r) throws IOException {
    List<String> events = new ArrayList<>();
    List<Long> arrivals = new ArrayList<>();
    ByteArrayOutputStream cur = new ByteArrayOutputStream();
    try (InputStream in = r.body()) {
      int b;
      int prev = -1;
      while ((b = in.read()) != -1) {
        cur.write(b);
        if (b == '\n' && prev == '\n') {
          String ev = cur.toString(StandardCharsets.UTF_8);
          events.add(ev);
          if (ev.startsWith("data:{\"index\"")) arrivals.add(System.nanoTime());
          cur.reset();
        }
        prev = b;
      }
    }
    return new Read(events, arrivals);
  }

  @Test
  void truthLogRecordsEveryTokenAndMatchesWhatTheClientSaw() throws Exception {
    Profile p = Profiles.get(Profiles.TGI_FAST).withTiming(new Profile.Timing(5_000, 0, 0, 1_000, 0, 0, 0));
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(p))) {
      long sent = System.nanoTime();
      Read read = read(Http.postStream(s.baseUrl() + "/generate_stream", STREAM_BODY, TruthLog.REQUEST_ID_HEADER, "t-1"));
      Awaits.until(Duration.ofSeconds(10), () -> s.truth().get("t-1").isPresent());
      TruthRecord t = s.truth().get("t-1").orElseThrow();
      assertThat(t.tokens()).isEqualTo(12);
      assertThat(t.tokenNanos()).hasSize(12);
      assertThat(t.outcome()).isEqualTo("ok");
      assertThat(t.arrivalNanos()).isGreaterThanOrEqualTo(sent);
      assertThat(t.headersNanos()).isBetween(t.arrivalNanos(), t.tokenNanos()[0]);
      // token i can never be emitted before prefill + i decode steps of 5 ms (only late, when the CPU is busy)
      for (int i = 0; i < 12; i++) {
        assertThat(t.tokenNanos()[i] - t.arrivalNanos()).as("token %d", i).isGreaterThanOrEqualTo(1_000_000L + i * 5_000_000L);
        if (i > 0) assertThat(t.tokenNanos()[i]).isGreaterThan(t.tokenNanos()[i - 1]);
      }
      // the client received each token after the server wrote it (same monotonic clock, one JVM)
      for (int i = 0; i < 12; i++) assertThat(read.tokenArrivals().get(i)).isGreaterThanOrEqualTo(t.tokenNanos()[i]);
      assertThat(t.endNanos()).isGreaterThanOrEqualTo(t.tokenNanos()[11]);
      assertThat(s.truth().outcomes()).containsExactly(java.util.Map.entry("ok", 1L));
    }
  }

  @Test
  void aTruthLogFileGetsEveryRecordAndMemoryKeepsNone(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("truth.jsonl");
    Profile p = Profiles.get(Profiles.TGI_FAST).withTiming(new Profile.Timing(5_000, 0, 0, 1_000, 0, 0, 0));
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(p).withTruthLog(file))) {
      long sent = System.nanoTime();
      Read read = read(Http.postStream(s.baseUrl() + "/generate_stream", STREAM_BODY, TruthLog.REQUEST_ID_HEADER, "t-1"));
      // the server flushes the file every 200 ms: the line arrives without a close
      Awaits.until(Duration.ofSeconds(10), () -> lines(file).size() == 1);
      JsonNode line = M.readTree(lines(file).get(0));
      assertThat(line.get("id").asText()).isEqualTo("t-1");
      assertThat(line.get("route").asText()).isEqualTo("/generate_stream");
      assertThat(line.get("outcome").asText()).isEqualTo("ok");
      assertThat(line.get("tokens").asInt()).isEqualTo(12);
      assertThat(line.get("arrivalNanos").asLong()).isGreaterThanOrEqualTo(sent);
      assertThat(line.get("tokenNanos")).hasSize(12);
      for (int i = 0; i < 12; i++) {
        assertThat(read.tokenArrivals().get(i)).isGreaterThanOrEqualTo(line.get("tokenNanos").get(i).asLong());
      }
      assertThat(s.truth().retained()).isZero();
      assertThat(s.truth().recorded()).isEqualTo(1);
      assertThatThrownBy(() -> s.truth().get("t-1")).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("withTruthInMemory(true)").hasMessageContaining(file.toString());
    }
  }

  @Test
  void withATruthLogFileMemoryHoldsOnlyCountsHoweverManyRequestsPass(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("truth.jsonl");
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST).withTruthLog(file))) {
      int n = 400;
      List<Load.Sample> done = Load.closedLoop(s.baseUrl() + "/generate", "{\"inputs\":\"hello\",\"parameters\":{\"max_new_tokens\":4}}",
          8, n / 8, Duration.ofSeconds(60));
      assertThat(done).hasSize(n).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
      Awaits.until(Duration.ofSeconds(10), () -> s.truth().recorded() == n);
      assertThat(s.truth().retained()).as("records kept in memory").isZero();
      assertThat(s.truth().outcomes()).containsExactly(java.util.Map.entry("ok", (long) n));
      Awaits.until(Duration.ofSeconds(10), () -> lines(file).size() == n);
      assertThat(lines(file).stream().map(l -> read(l).get("id").asText())).doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(done.stream().map(Load.Sample::id).toList());
    }
  }

  @Test
  void recordsStayInMemoryOnlyForLoopbackOrWhenAskedFor(@TempDir Path dir) throws Exception {
    Profile p = Profiles.get(Profiles.TGI_FAST);
    Path file = dir.resolve("truth.jsonl");
    assertThat(SimulatorConfig.loopback(p).truthInMemory()).isTrue();
    assertThat(SimulatorConfig.loopback(p).withTruthLog(file).truthInMemory()).isFalse();
    assertThat(SimulatorConfig.loopback(p).withTruthLog(file).withTruthInMemory(true).truthInMemory()).isTrue();
    // what barrage simulate and barrage demo build
    assertThat(new SimulatorConfig("127.0.0.1", 0, p, null, 1).truthInMemory()).isFalse();
    try (SimulatorServer s = SimulatorServer.start(new SimulatorConfig("127.0.0.1", 0, p, null, 1))) {
      assertThat(Http.post(s.baseUrl() + "/generate", STREAM_BODY, TruthLog.REQUEST_ID_HEADER, "m-1").statusCode()).isEqualTo(200);
      Awaits.until(Duration.ofSeconds(10), () -> s.truth().recorded() == 1);
      assertThat(s.truth().retained()).isZero();
      assertThat(s.truth().inMemory()).isFalse();
    }
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(p).withTruthLog(file).withTruthInMemory(true))) {
      assertThat(Http.post(s.baseUrl() + "/generate", STREAM_BODY, TruthLog.REQUEST_ID_HEADER, "m-2").statusCode()).isEqualTo(200);
      Awaits.until(Duration.ofSeconds(10), () -> s.truth().get("m-2").isPresent());
      assertThat(s.truth().get("m-2").orElseThrow().outcome()).isEqualTo("ok");
      Awaits.until(Duration.ofSeconds(10), () -> lines(file).size() == 1);
    }
  }

  static JsonNode read(String line) {
    try {
      return M.readTree(line);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static List<String> lines(Path f) {
    try {
      return Files.readAllLines(f);
    } catch (IOException e) {
      return List.of();
    }
  }

  @Test
  void keepAliveCommentsFillSilenceWithoutCountingAsTokens() throws Exception {
    // a keep-alive period far above any pause a busy machine puts between two tokens, and a stall
    // of six periods, so that comments can only come from the stall and at least three of them do
    Profile p = Profiles.get(Profiles.TGI_FAST).withKeepAlive(Duration.ofMillis(150));
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(p))) {
      // warm the stream path first: a cold first stream could itself pause for a period
      assertThat(read(Http.postStream(s.baseUrl() + "/generate_stream", STREAM_BODY)).tokenArrivals()).hasSize(12);
      Read read = read(Http.postStream(s.baseUrl() + "/generate_stream", STREAM_BODY, "X-Barrage-Fault", "stall-after=3,stall-ms=900"));
      long comments = read.events().stream().filter(e -> e.equals(":\n\n")).count();
      assertThat(comments).isGreaterThanOrEqualTo(3);
      assertThat(read.tokenArrivals()).hasSize(12);
      assertThat(read.tokenArrivals().get(3) - read.tokenArrivals().get(2)).isGreaterThan(850_000_000L);
      // comments sit only inside the silence, between token 3 and token 4
      int firstComment = read.events().indexOf(":\n\n");
      assertThat(firstComment).isEqualTo(3);
    }
  }

  @Test
  void midStreamErrorEventEndsTheTgiStream() throws Exception {
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST))) {
      Read read = read(Http.postStream(s.baseUrl() + "/generate_stream", STREAM_BODY, "X-Barrage-Fault", "error-after=4"));
      assertThat(read.events()).hasSize(5);
      assertThat(read.events().get(4)).startsWith("data:{\"error\":\"Request failed during generation: ")
          .endsWith("\",\"error_type\":\"generation\"}\n\n");
      HttpResponse<String> chat = Http.post(s.baseUrl() + "/v1/chat/completions",
          "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"max_tokens\":9,\"stream\":true}", "X-Barrage-Fault", "error-after=2");
      assertThat(chat.body()).contains("data:{\"error\":{\"message\":\"Request failed during generation: ")
          .endsWith("\"http_status_code\":422}}\n\ndata:[DONE]\n\n");
      assertThat(s.stats().failures(ErrorKind.GENERATION)).isEqualTo(2);
    }
  }

  @Test
  void immediateErrorIs424OnGenerate() throws Exception {
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST))) {
      HttpResponse<String> r = Http.post(s.baseUrl() + "/generate", STREAM_BODY, "X-Barrage-Fault", "error");
      assertThat(r.statusCode()).isEqualTo(424);
      assertThat(M.readTree(r.body()).get("error_type").asText()).isEqualTo("generation");
    }
  }

  @Test
  void aShardFailureEndsEveryRequestOfTheRunningBatch() throws Exception {
    Profile p = Profiles.get(Profiles.TGI_FAST).withTiming(new Profile.Timing(5_000, 0, 0, 100, 0, 0, 0));
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(p))) {
      HttpResponse<InputStream> running = Http.postStream(s.baseUrl() + "/generate_stream",
          "{\"inputs\":\"x\",\"parameters\":{\"max_new_tokens\":1000}}");
      InputStream in = running.body();
      int b;
      int prev = -1;
      while ((b = in.read()) != -1 && !(b == '\n' && prev == '\n')) prev = b;
      // the running stream has its first token; a request whose prefill hits a shard error joins it
      HttpResponse<String> faulty = Http.post(s.baseUrl() + "/generate", STREAM_BODY, "X-Barrage-Fault", "error");
      assertThat(faulty.statusCode()).isEqualTo(424);
      assertThat(M.readTree(faulty.body()).get("error_type").asText()).isEqualTo("generation");
      List<String> rest = read(running).events();
      assertThat(rest.size()).isLessThan(999);
      assertThat(rest.get(rest.size() - 1)).startsWith("data:{\"error\":\"Request failed during generation: ")
          .endsWith("\",\"error_type\":\"generation\"}\n\n");
      // the server counts an outcome once the response's last bytes are written, so the client may
      // read them first
      Awaits.until(Duration.ofSeconds(10), () -> s.stats().inFlight() == 0 && s.stats().batchSize() == 0);
      assertThat(s.stats().failures(ErrorKind.GENERATION)).isEqualTo(2);
      // the server carries on: the next request is served
      assertThat(Http.post(s.baseUrl() + "/generate", STREAM_BODY).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void disconnectDropsTheConnectionMidStream() throws Exception {
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST))) {
      HttpResponse<InputStream> r = Http.postStream(s.baseUrl() + "/generate_stream", STREAM_BODY,
          "X-Barrage-Fault", "disconnect-after=3", TruthLog.REQUEST_ID_HEADER, "d-1");
      assertThatThrownBy(() -> read(r)).isInstanceOf(IOException.class);
      Awaits.until(Duration.ofSeconds(10), () -> s.truth().get("d-1").isPresent());
      assertThat(s.truth().get("d-1").orElseThrow().outcome()).isEqualTo("disconnect");
      assertThat(s.truth().get("d-1").orElseThrow().tokenNanos().length).isLessThanOrEqualTo(3);
    }
  }

  @Test
  void slowHeadersDelayTheResponse() throws Exception {
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(Profiles.TGI_FAST))) {
      long t0 = System.nanoTime();
      HttpResponse<String> r = Http.post(s.baseUrl() + "/generate", STREAM_BODY, "X-Barrage-Fault", "slow-headers-ms=300");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(300_000_000L);
    }
  }

  @Test
  void profileFaultRatesAreDrawnFromTheSeed() throws Exception {
    Profile p = Profiles.get(Profiles.TGI_FAST)
        .withFaults(new Profile.Faults(0.5, 0, 0, Duration.ZERO, 0, 1, Duration.ZERO));
    List<Integer> first = statuses(p, 7);
    List<Integer> again = statuses(p, 7);
    assertThat(first).isEqualTo(again).contains(200, 424);
  }

  private static List<Integer> statuses(Profile p, long seed) {
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(p).withSeed(seed))) {
      List<Integer> out = new ArrayList<>();
      for (int i = 0; i < 20; i++) out.add(Http.post(s.baseUrl() + "/generate", STREAM_BODY).statusCode());
      return out;
    }
  }

  @Test
  void clientDisconnectReleasesThePermitAndFreesTheBatch() throws Exception {
    Profile p = Profiles.get(Profiles.TGI_FAST).withTiming(new Profile.Timing(20_000, 0, 0, 100, 0, 0, 0));
    try (SimulatorServer s = SimulatorServer.start(SimulatorConfig.loopback(p))) {
      HttpResponse<InputStream> r = Http.postStream(s.baseUrl() + "/generate_stream",
          "{\"inputs\":\"x\",\"parameters\":{\"max_new_tokens\":1000}}");
      InputStream in = r.body();
      assertThat(in.read()).isEqualTo('d');
      assertThat(s.stats().inFlight()).isEqualTo(1);
      in.close();
      Awaits.until(Duration.ofSeconds(10), () -> s.stats().inFlight() == 0 && s.stats().batchSize() == 0);
      assertThat(s.stats().failures(ErrorKind.DROPPED)).isEqualTo(1);
    }
  }
}
